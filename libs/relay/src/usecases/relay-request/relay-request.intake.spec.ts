import type { AppConfig } from '@gateway/config';
import { afterPoll } from '../../relay/after-poll';
import type { ClientResponse } from '../../relay/client-response';
import type { RelayCallers } from '../../relay/relay-caller';
import type { RelayInFlight } from '../../relay/relay-in-flight';
import type { RelayRequestCommand } from './relay-request.command';
import { RelayRequest } from './relay-request.usecase';

// The relay's intake (docs/design.md, "The hot path (`/v1`)"): a request's start waits for the rest
// of the poll it was read in, and goes ahead of the streams' reads queued for the same iteration.
describe('RelayRequest intake', () => {
  function relayWith(started: () => void): RelayRequest {
    const callers = {
      authenticate: () => {
        started();
        // The request goes no further here: only when it started matters.
        return new Promise<never>(() => undefined);
      },
    } as unknown as RelayCallers;
    const inFlight = { track: <T>(work: () => Promise<T>) => work() } as unknown as RelayInFlight;
    const unused = undefined as never;
    return new RelayRequest(
      callers,
      unused,
      unused,
      unused,
      unused,
      unused,
      unused,
      unused,
      unused,
      unused,
      unused,
      inFlight,
      {} as AppConfig,
    );
  }

  it("starts a request after the rest of the poll, ahead of the streams' reads of that iteration", async () => {
    const order: string[] = [];
    const relay = relayWith(() => order.push('request started'));
    // A committed stream's read, queued earlier in the same iteration.
    afterPoll(() => order.push('stream read'));
    void relay.execute({} as RelayRequestCommand, {} as ClientResponse);
    void relay.execute({} as RelayRequestCommand, {} as ClientResponse);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    // Not in the poll's own callback, nor among its microtasks.
    expect(order).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['request started', 'request started', 'stream read']);
  });
});

import { RelayInFlight } from '@gateway/relay';
import { Drain } from './drain';

describe('Drain', () => {
  it('waits for a relayed request that settles after its response closed', async () => {
    const relay = new RelayInFlight();
    const drain = new Drain(relay);
    let settle!: () => void;
    const settling = relay.track(() => new Promise<void>((resolve) => (settle = resolve)));
    expect(drain.inFlight).toBe(1);
    await expect(drain.whenIdle(0)).resolves.toBe(false);
    const idle = drain.whenIdle(10_000);
    settle();
    await settling;
    await expect(idle).resolves.toBe(true);
    expect(drain.inFlight).toBe(0);
  });

  it('gives up after its timeout while a relayed request is still settling', async () => {
    const relay = new RelayInFlight();
    const drain = new Drain(relay);
    let settle!: () => void;
    const settling = relay.track(() => new Promise<void>((resolve) => (settle = resolve)));
    await expect(drain.whenIdle(20)).resolves.toBe(false);
    settle();
    await settling;
    await expect(drain.whenIdle(0)).resolves.toBe(true);
  });

  it('counts a failing relayed request out when it fails', async () => {
    const relay = new RelayInFlight();
    await expect(relay.track(() => Promise.reject(new Error('upstream gone')))).rejects.toThrow(
      'upstream gone',
    );
    expect(relay.count).toBe(0);
  });
});

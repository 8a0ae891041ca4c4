import type { ServerResponse } from 'node:http';
import type { MockBehaviour } from './behaviour';
import type { RecordedRequest } from './recorded-request';

/** One request being answered: where to write, what to record, and when to stop. */
export interface Exchange {
  res: ServerResponse;
  record: RecordedRequest;
  behaviour: MockBehaviour;
  /** Aborts when the connection closes, whoever closed it. */
  signal: AbortSignal;
}

/** `drop`: cut the connection with no proper end, as a crashing upstream or a broken network would. */
export function dropConnection(exchange: Exchange): void {
  exchange.record.dropped = true;
  exchange.res.destroy();
}

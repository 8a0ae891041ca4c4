import type { IncomingMessage } from 'node:http';
import { FailBudget } from './fail-budget';
import { InFlightTracker } from './in-flight-tracker';
import { newRecord, type RecordedRequest } from './recorded-request';

/** The state one mock server keeps across requests. */
export class UpstreamState {
  readonly requests: RecordedRequest[] = [];
  readonly failBudget = new FailBudget();
  readonly inFlight = new InFlightTracker();
  private lastSeq = 0;

  /** @param keepRecords false for long benchmark runs, where the list would only grow. */
  constructor(private readonly keepRecords: boolean) {}

  open(req: IncomingMessage): RecordedRequest {
    const record = newRecord(++this.lastSeq, req.method ?? 'GET', req.url ?? '/', req.headers);
    if (this.keepRecords) this.requests.push(record);
    return record;
  }

  /** Forgets the recorded requests and the `fail` counts; sequence numbers keep growing so ids stay unique. */
  reset(): void {
    this.requests.length = 0;
    this.failBudget.reset();
  }
}

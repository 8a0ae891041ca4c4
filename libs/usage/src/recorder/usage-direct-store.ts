// The outbox's last resort (docs/design.md, "The usage outbox"): a stopping api whose Redis takes
// none of its events writes them to PostgreSQL itself, through the worker's own path, so the record,
// the ledger debit, the token's spend and the plan period move exactly as the worker would have
// moved them; should Redis have taken an event without confirming, the worker's copy inserts
// nothing and charges nothing.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DEFAULT_USAGE_INGESTOR_OPTIONS } from '../ingest/usage-ingestor';
import { storeUsageEvents, type HeldUsageEvent } from '../ingest/store-usage-events';
import { parseUsageEvent } from '../usage-event-parser';

/** What the direct store did with the payloads it was given. */
export interface DirectlyStored {
  /** Records inserted now (a payload already stored, or repeated, inserts none). */
  inserted: number;
  /** Payloads that can never be stored (the worker would dead-letter them), with the reason. */
  refused: { payload: string; reason: string }[];
}

/** The outbox's way to PostgreSQL; throws when PostgreSQL cannot be reached (nothing is decided). */
export interface DirectUsageStore {
  storeDirectly(payloads: readonly string[]): Promise<DirectlyStored>;
}

@Injectable()
export class UsageDirectStore implements DirectUsageStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async storeDirectly(payloads: readonly string[]): Promise<DirectlyStored> {
    const refused: DirectlyStored['refused'] = [];
    const valid: HeldUsageEvent<string>[] = [];
    for (const payload of payloads) {
      // The checks the worker makes on what it reads from the stream (usage-event-parser).
      const parsed = parseUsageEvent(payload);
      if (parsed.ok) valid.push({ id: payload, event: parsed.event });
      else refused.push({ payload, reason: parsed.reason });
    }
    let inserted = 0;
    // Batches of the worker's size: each one transaction, as one round of the ingestor's.
    const size = DEFAULT_USAGE_INGESTOR_OPTIONS.batchSize;
    for (let i = 0; i < valid.length; i += size) {
      const stored = await storeUsageEvents(this.dataSource, valid.slice(i, i + size));
      inserted += stored.inserted;
      for (const { id, reason } of stored.refused) refused.push({ payload: id, reason });
    }
    return { inserted, refused };
  }
}

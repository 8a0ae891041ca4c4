// Stores parsed usage events the way the worker does, for whoever holds them: the ingestor (events
// read from the stream) and the api's outbox at shutdown (events Redis never took). One row per
// request id, the money of the rows inserted only (storeUsageBatch), so either path, or both, store
// an event once.
import { DataSource, QueryFailedError } from 'typeorm';
import type { UsageEvent } from '../usage-event';
import { MAX_INSERT_BATCH } from './insert-usage-records';
import { storeUsageBatch } from './store-usage-batch';

/** An event with whatever its holder names it by (a stream entry id, an outbox key). */
export interface HeldUsageEvent<Id> {
  id: Id;
  event: UsageEvent;
}

export interface StoredUsageEvents<Id> {
  /** Records this call inserted (the others were stored before, or are repeats of the batch). */
  inserted: number;
  /** Events PostgreSQL refused as data (not for a lost connection), with its reason. */
  refused: (HeldUsageEvent<Id> & { reason: string })[];
}

/**
 * One transaction for the batch (at most MAX_INSERT_BATCH distinct request ids). Should PostgreSQL
 * still refuse a value the parser let through, the batch is stored row by row and only the refused
 * rows are returned: one bad event must not hold back the others. Connection failures are thrown.
 */
export async function storeUsageEvents<Id>(
  dataSource: DataSource,
  batch: readonly HeldUsageEvent<Id>[],
): Promise<StoredUsageEvents<Id>> {
  // One row per request id, even when the batch holds the event twice: storeUsageBatch charges
  // every event whose request id its INSERT added, so a repeat in the same batch would be charged.
  const unique = new Map<string, HeldUsageEvent<Id>>();
  for (const held of batch) if (!unique.has(held.event.requestId)) unique.set(held.event.requestId, held);
  const items = [...unique.values()];
  if (items.length > MAX_INSERT_BATCH) throw new RangeError(`at most ${MAX_INSERT_BATCH} events per batch`);
  try {
    const inserted = await storeUsageBatch(
      dataSource,
      items.map((item) => item.event),
    );
    return { inserted, refused: [] };
  } catch (error) {
    if (!isDataError(error)) throw error;
  }
  let inserted = 0;
  const refused: StoredUsageEvents<Id>['refused'] = [];
  for (const item of items) {
    try {
      inserted += await storeUsageBatch(dataSource, [item.event]);
    } catch (error) {
      if (!isDataError(error)) throw error;
      refused.push({ ...item, reason: `refused by PostgreSQL: ${(error as Error).message}` });
    }
  }
  return { inserted, refused };
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity), i.e. this row, not the connection. */
function isDataError(error: unknown): boolean {
  const code = (error as QueryFailedError & { driverError?: { code?: string } })?.driverError?.code;
  return error instanceof QueryFailedError && typeof code === 'string' && /^2[23]/.test(code);
}

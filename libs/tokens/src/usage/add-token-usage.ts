// For usage ingestion, inside its transaction: adds each token's newly stored spend to `used_nano`,
// so a token's used quota moves in the same commit as its usage records and ledger debits.
import type { EntityManager } from 'typeorm';

/**
 * One statement for every token of the batch (issue #16: one round trip, not one per token). The
 * order the rows are locked in does not matter here: the caller charges only tokens whose tenant's
 * balance row it locked first in the same transaction, so two workers sharing a token wait on that.
 */
export async function addTokenUsage(
  manager: EntityManager,
  amounts: ReadonlyMap<string, bigint>,
): Promise<void> {
  const charged = [...amounts].filter(([, nano]) => nano !== 0n);
  if (charged.length === 0) return;
  await manager.query(
    `UPDATE tokens AS t
        SET used_nano = t.used_nano + v.nano, updated_at = now()
       FROM unnest($1::uuid[], $2::bigint[]) AS v(id, nano)
      WHERE t.id = v.id`,
    [charged.map(([id]) => id), charged.map(([, nano]) => nano.toString())],
  );
}

// For invoices: a tenant's usage records of a window, summed per model. The window is over
// created_at, the time the worker stored them: the same transaction wrote the ledger's usage debit
// of those records (store-usage-batch.ts) with the same now(), so this and the ledger agree exactly.
import type { EntityManager } from 'typeorm';
import { UsageRecord } from '../entities/usage-record.entity';

export interface ModelUsage {
  model: string;
  requests: number;
  promptTokens: bigint;
  cachedTokens: bigint;
  cacheWriteTokens: bigint;
  completionTokens: bigint;
  costNano: bigint;
  /**
   * The cost beyond the requests' holds that settlement wrote off (docs/design.md "A hold is a
   * ceiling"): costNano + writtenOffNano is the usage at the model's prices.
   */
  writtenOffNano: bigint;
  /** How many requests had a write-off. */
  writtenOffRequests: number;
  /** What the model's requests were billed in besides tokens (images, audio seconds, …), if anything. */
  billed?: { unit: string; quantity: bigint }[];
}

/** Records stored in [from, to), per model (sorted by model), in the caller's transaction. */
export async function usageByModel(
  manager: EntityManager,
  tenantId: string,
  from: Date,
  to: Date,
): Promise<ModelUsage[]> {
  const rows: {
    model: string;
    requests: string;
    prompt: string;
    cached: string;
    cacheWrite: string;
    completion: string;
    cost: string;
    writtenOff: string;
    writtenOffRequests: string;
    unit: string;
    quantity: string;
  }[] = await manager
    .getRepository(UsageRecord)
    .createQueryBuilder('u')
    .select('u.model', 'model')
    .addSelect('count(*)', 'requests')
    .addSelect('coalesce(sum(u.prompt_tokens), 0)', 'prompt')
    .addSelect('coalesce(sum(u.cached_tokens), 0)', 'cached')
    .addSelect('coalesce(sum(u.cache_write_tokens), 0)', 'cacheWrite')
    .addSelect('coalesce(sum(u.completion_tokens), 0)', 'completion')
    // Only positive costs are debited (store-usage-batch.ts); a zero-cost request adds nothing.
    .addSelect('coalesce(sum(greatest(u.cost_nano, 0)), 0)', 'cost')
    .addSelect('coalesce(sum(greatest(u.written_off_nano, 0)), 0)', 'writtenOff')
    .addSelect('count(*) FILTER (WHERE u.written_off_nano > 0)', 'writtenOffRequests')
    .addSelect('u.billed_unit', 'unit')
    .addSelect('coalesce(sum(u.billed_quantity), 0)', 'quantity')
    .where('u.tenant_id = :tenantId', { tenantId })
    .andWhere('u.created_at >= :from AND u.created_at < :to', { from, to })
    .groupBy('u.model')
    .addGroupBy('u.billed_unit')
    .orderBy('u.model', 'ASC')
    .addOrderBy('u.billed_unit', 'ASC')
    .getRawMany();
  // One line per model: its units other than tokens are listed beside the token counts.
  const byModel = new Map<string, ModelUsage>();
  for (const row of rows) {
    const line = byModel.get(row.model) ?? {
      model: row.model,
      requests: 0,
      promptTokens: 0n,
      cachedTokens: 0n,
      cacheWriteTokens: 0n,
      completionTokens: 0n,
      costNano: 0n,
      writtenOffNano: 0n,
      writtenOffRequests: 0,
    };
    line.requests += Number(row.requests);
    line.promptTokens += BigInt(row.prompt);
    line.cachedTokens += BigInt(row.cached);
    line.cacheWriteTokens += BigInt(row.cacheWrite);
    line.completionTokens += BigInt(row.completion);
    line.costNano += BigInt(row.cost);
    line.writtenOffNano += BigInt(row.writtenOff);
    line.writtenOffRequests += Number(row.writtenOffRequests);
    if (row.unit !== 'tokens')
      line.billed = [...(line.billed ?? []), { unit: row.unit, quantity: BigInt(row.quantity) }];
    byModel.set(row.model, line);
  }
  return [...byModel.values()];
}

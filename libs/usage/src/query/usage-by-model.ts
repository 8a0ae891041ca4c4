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
    .where('u.tenant_id = :tenantId', { tenantId })
    .andWhere('u.created_at >= :from AND u.created_at < :to', { from, to })
    .groupBy('u.model')
    .orderBy('u.model', 'ASC')
    .getRawMany();
  return rows.map((row) => ({
    model: row.model,
    requests: Number(row.requests),
    promptTokens: BigInt(row.prompt),
    cachedTokens: BigInt(row.cached),
    cacheWriteTokens: BigInt(row.cacheWrite),
    completionTokens: BigInt(row.completion),
    costNano: BigInt(row.cost),
  }));
}

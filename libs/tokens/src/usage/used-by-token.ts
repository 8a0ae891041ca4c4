// For reconciliation: what each token has spent, as its row says, and the quotas that give some a mirror
// (and, for the sweep of mirrors left behind, which mirror each token still has).
import { In, IsNull, Not, type EntityManager } from 'typeorm';
import { Token } from '../entities/token.entity';

export async function usedByToken(manager: EntityManager): Promise<Map<string, bigint>> {
  const rows = await manager.getRepository(Token).find({ select: { id: true, usedNano: true } });
  return new Map(rows.map((row) => [row.id, row.usedNano]));
}

/**
 * What each token with a quota has spent and its quota epoch: only those have a mirror of their
 * spend in Redis, named by the epoch. One read of those rows, not of every token.
 */
export async function spendOfQuotaTokens(
  manager: EntityManager,
): Promise<{ used: Map<string, bigint>; epochs: Map<string, number> }> {
  const rows = await manager.getRepository(Token).find({
    select: { id: true, usedNano: true, quotaEpoch: true },
    where: { quotaNano: Not(IsNull()) },
  });
  return {
    used: new Map(rows.map((row) => [row.id, row.usedNano])),
    epochs: new Map(rows.map((row) => [row.id, row.quotaEpoch])),
  };
}

/**
 * For the sweep of token mirrors: the quota epoch of each of these tokens that has a quota, null for
 * one without a quota; a token that no longer exists is left out.
 */
export async function quotaEpochsOf(
  manager: EntityManager,
  ids: readonly string[],
): Promise<Map<string, number | null>> {
  if (ids.length === 0) return new Map();
  const rows = await manager.getRepository(Token).find({
    select: { id: true, quotaNano: true, quotaEpoch: true },
    where: { id: In([...ids]) },
  });
  return new Map(rows.map((row) => [row.id, row.quotaNano === null ? null : row.quotaEpoch]));
}

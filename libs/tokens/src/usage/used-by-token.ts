// For reconciliation: what each token has spent, as its row says, and the quotas that give some a mirror.
import { IsNull, Not, type EntityManager } from 'typeorm';
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

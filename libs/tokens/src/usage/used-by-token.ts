// For reconciliation: what each token has spent, as its row says, and the quotas that give some a mirror.
import { IsNull, Not, type EntityManager } from 'typeorm';
import { Token } from '../entities/token.entity';

export async function usedByToken(manager: EntityManager): Promise<Map<string, bigint>> {
  const rows = await manager.getRepository(Token).find({ select: { id: true, usedNano: true } });
  return new Map(rows.map((row) => [row.id, row.usedNano]));
}

/** The quota epoch of every token that has a quota (the balance mirror keeps its spend live). */
export async function quotaEpochByToken(manager: EntityManager): Promise<Map<string, number>> {
  const rows = await manager
    .getRepository(Token)
    .find({ select: { id: true, quotaEpoch: true }, where: { quotaNano: Not(IsNull()) } });
  return new Map(rows.map((row) => [row.id, row.quotaEpoch]));
}

// For reconciliation: what each token has spent, as its row says.
import type { EntityManager } from 'typeorm';
import { Token } from '../entities/token.entity';

export async function usedByToken(manager: EntityManager): Promise<Map<string, bigint>> {
  const rows = await manager.getRepository(Token).find({ select: { id: true, usedNano: true } });
  return new Map(rows.map((row) => [row.id, row.usedNano]));
}

// For usage ingestion, inside its transaction: adds each token's newly stored spend to `used_nano`,
// so a token's used quota moves in the same commit as its usage records and ledger debits.
import type { EntityManager } from 'typeorm';
import { Token } from '../entities/token.entity';

export async function addTokenUsage(
  manager: EntityManager,
  amounts: ReadonlyMap<string, bigint>,
): Promise<void> {
  for (const [tokenId, nano] of amounts) {
    if (nano === 0n) continue;
    await manager
      .getRepository(Token)
      .createQueryBuilder()
      .update()
      .set({ usedNano: () => 'used_nano + CAST(:nano AS bigint)' })
      .setParameter('nano', nano.toString())
      .where('id = :tokenId', { tokenId })
      .execute();
  }
}

// For invoices: the unit prices a tenant paid for each model in a window, read in the caller's
// transaction: the price in force at the window's end, times the tenant group's multiplier, and
// whether the price changed inside the window (then the line's amount, exact per request, mixes them).
import type { EntityManager } from 'typeorm';
import { GroupMultiplier } from '../entities/group-multiplier.entity';
import { ModelPrice } from '../entities/model-price.entity';
import { applyMultiplier, normalizeMultiplier } from '../multipliers/apply-multiplier';

export interface UnitPrices {
  inputPer1MNano: bigint;
  cachedPer1MNano: bigint;
  outputPer1MNano: bigint;
  perRequestNano: bigint;
  changedInPeriod: boolean;
}

export async function unitPricesDuring(
  manager: EntityManager,
  models: readonly string[],
  group: string,
  start: Date,
  end: Date,
): Promise<Map<string, UnitPrices>> {
  const result = new Map<string, UnitPrices>();
  if (models.length === 0) return result;
  const rows = await manager
    .getRepository(ModelPrice)
    .createQueryBuilder('p')
    .where('p.model IN (:...models)', { models: [...models] })
    .andWhere('p.effective_from < :end', { end })
    .orderBy('p.effective_from', 'DESC')
    .getMany();
  const found = await manager.getRepository(GroupMultiplier).findOneBy({ group });
  const multiplier = found ? normalizeMultiplier(found.multiplier) : '1';
  const scaled = (nano: bigint) => (multiplier === '1' ? nano : applyMultiplier(nano, multiplier));
  for (const row of rows) {
    if (result.has(row.model)) continue; // an older row: the newest before the end is in force
    const changedInPeriod =
      row.effectiveFrom > start && rows.some((other) => other.model === row.model && other !== row);
    result.set(row.model, {
      inputPer1MNano: scaled(row.inputPer1MNano),
      cachedPer1MNano: scaled(row.cachedInputPer1MNano),
      outputPer1MNano: scaled(row.outputPer1MNano),
      perRequestNano: scaled(row.perRequestNano),
      changedInPeriod,
    });
  }
  return result;
}

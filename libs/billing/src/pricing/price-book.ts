// Every model's price history, held in process for the relay: a request is priced without a
// database round trip (docs/design.md invariant 1), at the row in force when it started.
import type { ModelPrice } from '../entities/model-price.entity';
import { applyMultiplier } from '../multipliers/apply-multiplier';
import { billMetered, type MeteredBill, type MeteredUsage } from './metered-cost';
import { computeCost, PriceNano } from './price-calculator';

interface Dated extends PriceNano {
  effectiveFrom: number;
}

export interface PricedUsage {
  promptTokens: number;
  cachedTokens: number;
  /** The part of promptTokens written to the provider's cache (0 when unknown); apart from cachedTokens. */
  cacheWriteTokens?: number;
  completionTokens: number;
  /** The part of completionTokens spent reasoning (0 when unknown). */
  reasoningTokens?: number;
}

/** An immutable snapshot of the model_prices table. */
export class PriceBook {
  private readonly byModel = new Map<string, Dated[]>();

  /** `multipliers`: tenant group → decimal multiplier; a group not listed pays 1×. */
  constructor(
    rows: readonly ModelPrice[],
    private readonly multipliers: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const row of rows) {
      const list = this.byModel.get(row.model) ?? [];
      list.push({
        inputPer1MNano: row.inputPer1MNano,
        cachedInputPer1MNano: row.cachedInputPer1MNano,
        outputPer1MNano: row.outputPer1MNano,
        perRequestNano: row.perRequestNano,
        reasoningPer1MNano: row.reasoningPer1MNano,
        perImageNano: row.perImageNano,
        perImageBySizeNano: imageSizePrices(row.perImageBySize),
        perAudioSecondNano: row.perAudioSecondNano,
        charactersPer1MNano: row.charactersPer1MNano,
        cacheWritePer1MNano: row.cacheWritePer1MNano,
        effectiveFrom: row.effectiveFrom.getTime(),
      });
      this.byModel.set(row.model, list);
    }
    for (const list of this.byModel.values()) list.sort((a, b) => b.effectiveFrom - a.effectiveFrom);
  }

  /** The price in force at `at` (epoch ms), or null when the model had none yet. */
  priceAt(model: string, at: number): PriceNano | null {
    const list = this.byModel.get(model);
    return list?.find((price) => price.effectiveFrom <= at) ?? null;
  }

  /**
   * Cost in nano-USD at the price in force at `at`, times the group's multiplier (one rounding each,
   * half up); 0 for a model without a price (the usage record still keeps its tokens).
   */
  costOf(model: string, at: number, usage: PricedUsage, group?: string): bigint {
    const base = this.baseCostOf(model, at, usage);
    const multiplier = group === undefined ? undefined : this.multipliers.get(group);
    return multiplier === undefined || base === 0n ? base : applyMultiplier(base, multiplier);
  }

  /**
   * The most a request can cost: `completionCeiling` completion tokens, all of them reasoning when
   * reasoning is priced above output, and every prompt token written to the cache when a cache
   * write is priced above input. For the worst-case hold.
   */
  worstCostOf(
    model: string,
    at: number,
    usage: { promptTokens: number; completionCeiling: number },
    group?: string,
  ): bigint {
    const price = this.priceAt(model, at);
    const reasoningDearer =
      price?.reasoningPer1MNano != null && price.reasoningPer1MNano > price.outputPer1MNano;
    const cacheWriteDearer =
      price?.cacheWritePer1MNano != null && price.cacheWritePer1MNano > price.inputPer1MNano;
    return this.costOf(
      model,
      at,
      {
        promptTokens: usage.promptTokens,
        cachedTokens: 0,
        cacheWriteTokens: cacheWriteDearer ? usage.promptTokens : 0,
        completionTokens: usage.completionCeiling,
        reasoningTokens: reasoningDearer ? usage.completionCeiling : 0,
      },
      group,
    );
  }

  /**
   * The bill of a non-chat request (images, audio, speech, moderations, rerank) at the price in force
   * at `at`: its unit, quantity and cost times the group's multiplier. Also the worst case for its
   * hold, given the worst usage the request allows.
   */
  billOf(model: string, at: number, usage: MeteredUsage, group?: string): MeteredBill {
    const bill = billMetered(this.priceAt(model, at), usage);
    const multiplier = group === undefined ? undefined : this.multipliers.get(group);
    if (multiplier === undefined || bill.costNano === 0n) return bill;
    return { ...bill, costNano: applyMultiplier(bill.costNano, multiplier) };
  }

  private baseCostOf(model: string, at: number, usage: PricedUsage): bigint {
    const price = this.priceAt(model, at);
    if (!price) return 0n;
    const prompt = BigInt(Math.max(0, Math.floor(usage.promptTokens)));
    const cached = BigInt(Math.max(0, Math.floor(usage.cachedTokens)));
    const written = BigInt(Math.max(0, Math.floor(usage.cacheWriteTokens ?? 0)));
    const completion = BigInt(Math.max(0, Math.floor(usage.completionTokens)));
    const reasoning = BigInt(Math.max(0, Math.floor(usage.reasoningTokens ?? 0)));
    const read = cached > prompt ? prompt : cached;
    return computeCost(price, {
      promptTokens: prompt,
      cachedTokens: read,
      // An upstream reporting more cache than prompt must not make uncached input negative.
      cacheWriteTokens: written > prompt - read ? prompt - read : written,
      completionTokens: completion,
      reasoningTokens: reasoning > completion ? completion : reasoning,
    }).totalNano;
  }
}

/** The stored `{size: nano}` map as bigints; entries that are not whole nano amounts are ignored. */
function imageSizePrices(stored: Readonly<Record<string, string>> | null): Record<string, bigint> | null {
  if (stored === null) return null;
  const prices: Record<string, bigint> = {};
  for (const [size, nano] of Object.entries(stored)) {
    if (/^\d{1,19}$/.test(nano)) prices[size] = BigInt(nano);
  }
  return prices;
}

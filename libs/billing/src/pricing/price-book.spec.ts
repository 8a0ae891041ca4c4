import type { ModelPrice } from '../entities/model-price.entity';
import { PriceBook } from './price-book';

const row = (over: Partial<ModelPrice> = {}): ModelPrice => ({
  id: 'p1',
  model: 'claude',
  inputPer1MNano: 3_000_000_000n, // $3 / 1M
  cachedInputPer1MNano: 300_000_000n,
  outputPer1MNano: 15_000_000_000n,
  reasoningPer1MNano: null,
  cacheWritePer1MNano: null,
  perRequestNano: 0n,
  perImageNano: null,
  perImageBySize: null,
  perAudioSecondNano: null,
  charactersPer1MNano: null,
  effectiveFrom: new Date(0),
  createdBy: null,
  createdAt: new Date(0),
  ...over,
});

describe('PriceBook', () => {
  it('bills cache writes at their own price, apart from cache reads and plain input', () => {
    const book = new PriceBook([row({ cacheWritePer1MNano: 3_750_000_000n })]);
    // 500 plain × $3 + 100 read × $0.30 + 400 written × $3.75, per 1M
    expect(
      book.costOf('claude', 1, {
        promptTokens: 1000,
        cachedTokens: 100,
        cacheWriteTokens: 400,
        completionTokens: 0,
      }),
    ).toBe(3_030_000n);
    // Without a cache-write price they cost the input price, as before they were metered apart.
    expect(
      new PriceBook([row()]).costOf('claude', 1, {
        promptTokens: 1000,
        cachedTokens: 100,
        cacheWriteTokens: 400,
        completionTokens: 0,
      }),
    ).toBe(2_730_000n);
  });

  it('never bills more cache than prompt when an upstream reports so', () => {
    const book = new PriceBook([row({ cacheWritePer1MNano: 3_750_000_000n })]);
    // 10 prompt tokens, 6 read: at most 4 can have been written.
    expect(
      book.costOf('claude', 1, {
        promptTokens: 10,
        cachedTokens: 6,
        cacheWriteTokens: 50,
        completionTokens: 0,
      }),
    ).toBe(
      book.costOf('claude', 1, {
        promptTokens: 10,
        cachedTokens: 6,
        cacheWriteTokens: 4,
        completionTokens: 0,
      }),
    );
  });

  it('holds for every prompt token written to the cache when a cache write costs more than input', () => {
    const dearer = new PriceBook([row({ cacheWritePer1MNano: 3_750_000_000n })]);
    const worst = dearer.worstCostOf('claude', 1, { promptTokens: 1000, completionCeiling: 100 });
    expect(worst).toBe(3_750_000n + 1_500_000n);
    for (const written of [0, 1, 500, 1000]) {
      const actual = dearer.costOf('claude', 1, {
        promptTokens: 1000,
        cachedTokens: 0,
        cacheWriteTokens: written,
        completionTokens: 100,
      });
      expect(actual).toBeLessThanOrEqual(worst);
    }
    const cheaper = new PriceBook([row({ cacheWritePer1MNano: 1_000_000_000n })]);
    expect(cheaper.worstCostOf('claude', 1, { promptTokens: 1000, completionCeiling: 100 })).toBe(
      3_000_000n + 1_500_000n,
    );
  });
});

import { billMetered, imageRateNano } from './metered-cost';
import type { PriceNano } from './price-calculator';

const base: PriceNano = {
  inputPer1MNano: 5_000_000_000n, // $5 / 1M
  cachedInputPer1MNano: 5_000_000_000n,
  outputPer1MNano: 40_000_000_000n, // $40 / 1M
  perRequestNano: 0n,
};
const tokens = { promptTokens: 100, cachedTokens: 0, completionTokens: 1056 };

describe('billMetered', () => {
  it('bills images at size/quality, else size, else perImage, plus the request fee', () => {
    const price: PriceNano = {
      ...base,
      perRequestNano: 1_000n,
      perImageNano: 40_000_000n,
      perImageBySizeNano: { '1024x1792': 80_000_000n, '1024x1024/hd': 120_000_000n },
    };
    expect(imageRateNano(price, '1024x1024', 'hd')).toBe(120_000_000n);
    expect(imageRateNano(price, '1024x1792', 'hd')).toBe(80_000_000n);
    expect(imageRateNano(price, '512x512', null)).toBe(40_000_000n);
    expect(
      billMetered(price, { kind: 'images', count: 3, size: '1024x1024', quality: 'hd', tokens }),
    ).toEqual({
      unit: 'images',
      quantity: 3n,
      costNano: 360_001_000n,
    });
  });

  it('prices an image of no size, or `auto`, at the default size 1024x1024 (never free)', () => {
    // Priced by size only, as a dall-e-2 row often is.
    const sized: PriceNano = {
      ...base,
      perImageBySizeNano: { '1024x1024': 40_000_000n, '1792x1024': 80_000_000n },
    };
    expect(imageRateNano(sized, null, null)).toBe(40_000_000n);
    expect(imageRateNano(sized, 'auto', null)).toBe(40_000_000n);
    expect(
      billMetered(sized, { kind: 'images', count: 10, size: null, quality: null, tokens: null }),
    ).toEqual({ unit: 'images', quantity: 10n, costNano: 400_000_000n });
    // A price for `auto` itself is the operator's word for it.
    expect(imageRateNano({ ...base, perImageBySizeNano: { auto: 90_000_000n } }, null, null)).toBe(
      90_000_000n,
    );
    // dall-e-3 makes a 1024x1024 HD image when asked for `hd` alone: its HD price, whatever the case.
    const dalle3: PriceNano = {
      ...base,
      perImageNano: 40_000_000n,
      perImageBySizeNano: { '1024x1024/hd': 80_000_000n },
    };
    expect(imageRateNano(dalle3, null, 'hd')).toBe(80_000_000n);
    expect(imageRateNano(dalle3, 'auto', 'HD')).toBe(80_000_000n);
    expect(imageRateNano(dalle3, null, null)).toBe(40_000_000n);
  });

  it('prices a size without a price of its own at perImage, else at the dearest size price for its quality', () => {
    const sized: PriceNano = {
      ...base,
      perImageBySizeNano: { '1792x1024': 80_000_000n, '1024x1792/hd': 120_000_000n, '512x512': 20_000_000n },
    };
    // No price at the default size either: the dearest, never less than a priced size.
    expect(imageRateNano(sized, null, null)).toBe(80_000_000n);
    expect(imageRateNano(sized, '256x256', null)).toBe(80_000_000n);
    expect(imageRateNano(sized, '256x256', 'hd')).toBe(120_000_000n);
    // Only quality-priced sizes, none for this quality: the dearest of all.
    expect(
      imageRateNano({ ...base, perImageBySizeNano: { '1024x1024/hd': 80_000_000n } }, null, 'standard'),
    ).toBe(80_000_000n);
    expect(imageRateNano({ ...sized, perImageNano: 30_000_000n }, '256x256', null)).toBe(30_000_000n);
    // A size price wins over the tokens the upstream reports.
    expect(billMetered(sized, { kind: 'images', count: 1, size: '256x256', quality: null, tokens })).toEqual({
      unit: 'images',
      quantity: 1n,
      costNano: 80_000_000n,
    });
  });

  it('bills an image model without an image price by its reported tokens, else per request', () => {
    expect(billMetered(base, { kind: 'images', count: 1, size: null, quality: null, tokens })).toEqual({
      unit: 'tokens',
      quantity: 1156n,
      // 100 × $5/1M + 1056 × $40/1M = $0.04274
      costNano: 42_740_000n,
    });
    expect(
      billMetered(
        { ...base, perRequestNano: 7n },
        { kind: 'images', count: 1, size: null, quality: null, tokens: null },
      ),
    ).toEqual({ unit: 'requests', quantity: 1n, costNano: 7n });
  });

  it('bills audio by the started second', () => {
    const price = { ...base, perAudioSecondNano: 100_000n };
    expect(billMetered(price, { kind: 'audio', seconds: 12.01, tokens: null })).toEqual({
      unit: 'audio_seconds',
      quantity: 13n,
      costNano: 1_300_000n,
    });
  });

  it('bills speech per 1M characters, rounded half up to the nano-dollar', () => {
    const price = { ...base, charactersPer1MNano: 15_000_000_000n };
    expect(billMetered(price, { kind: 'speech', characters: 1080, tokens: null })).toEqual({
      unit: 'characters',
      quantity: 1080n,
      costNano: 16_200_000n,
    });
    // 1 character at $0.0005 / 1M is half a nano: rounds up to 1.
    expect(
      billMetered({ ...base, charactersPer1MNano: 500_000n }, { kind: 'speech', characters: 1, tokens: null })
        .costNano,
    ).toBe(1n);
  });

  it('records the unit but costs nothing for a model without a price', () => {
    expect(billMetered(null, { kind: 'audio', seconds: 3, tokens })).toEqual({
      unit: 'audio_seconds',
      quantity: 3n,
      costNano: 0n,
    });
    expect(billMetered(null, { kind: 'tokens', tokens })).toEqual({
      unit: 'tokens',
      quantity: 1156n,
      costNano: 0n,
    });
  });
});

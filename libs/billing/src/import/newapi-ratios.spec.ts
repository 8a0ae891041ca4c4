import { convertNewApiRatios, exactDecimal } from './newapi-ratios';

const USD = 1_000_000_000n;

describe('convertNewApiRatios (hand-computed: ratio 1 = $2 per 1M tokens at QuotaPerUnit 500000)', () => {
  it('prices gpt-4o, gpt-4o-mini and gpt-3.5-turbo as NewAPI bills them', () => {
    const { prices, ignored } = convertNewApiRatios({
      modelRatio: { 'gpt-4o': 1.25, 'gpt-4o-mini': 0.075, 'gpt-3.5-turbo': 0.25 },
      completionRatio: { 'gpt-4o': 4, 'gpt-4o-mini': 4, 'gpt-3.5-turbo': 1.3333 },
      cacheRatio: { 'gpt-4o': 0.5, 'gpt-4o-mini': 0.5 },
    });
    expect(ignored).toEqual([]);
    expect(prices).toEqual([
      // $0.50 in; out 0.5 × 1.3333 = $0.66665; no cache ratio → cached = input
      {
        model: 'gpt-3.5-turbo',
        inputPer1MNano: 500_000_000n,
        cachedInputPer1MNano: 500_000_000n,
        outputPer1MNano: 666_650_000n,
        perRequestNano: 0n,
        perImageNano: null,
        perImageBySize: null,
        charactersPer1MNano: null,
        rounded: false,
      },
      // $2.50 in, $10 out, $1.25 cached
      {
        model: 'gpt-4o',
        inputPer1MNano: 2n * USD + USD / 2n,
        cachedInputPer1MNano: USD + USD / 4n,
        outputPer1MNano: 10n * USD,
        perRequestNano: 0n,
        perImageNano: null,
        perImageBySize: null,
        charactersPer1MNano: null,
        rounded: false,
      },
      // $0.15 in, $0.60 out, $0.075 cached
      {
        model: 'gpt-4o-mini',
        inputPer1MNano: 150_000_000n,
        cachedInputPer1MNano: 75_000_000n,
        outputPer1MNano: 600_000_000n,
        perRequestNano: 0n,
        perImageNano: null,
        perImageBySize: null,
        charactersPer1MNano: null,
        rounded: false,
      },
    ]);
  });

  it('does not inherit float error: 0.1 × 3 is exactly 0.3', () => {
    expect(0.1 * 3).not.toBe(0.3); // the trap a float conversion would fall into
    const [price] = convertNewApiRatios({ modelRatio: { m: 0.1 }, completionRatio: { m: 3 } }).prices;
    expect(price).toMatchObject({
      inputPer1MNano: 200_000_000n,
      outputPer1MNano: 600_000_000n,
      rounded: false,
    });
  });

  it('uses quotaPerUnit and rounds half up once, saying so', () => {
    // 3,000,000 quota per USD: ratio 1 = 1e6 / 3e6 = $1/3 per 1M = 333,333,333.33 nano → 333,333,333;
    // ratio 2 → 666,666,666.67 → 666,666,667.
    const { prices } = convertNewApiRatios({ modelRatio: { a: 1, b: 2 }, quotaPerUnit: 3_000_000 });
    expect(prices.map((p) => [p.model, p.inputPer1MNano, p.rounded])).toEqual([
      ['a', 333_333_333n, true],
      ['b', 666_666_667n, true],
    ]);
  });

  it('reads numbers JSON writes with an exponent', () => {
    // 1e-7 × 2 = $0.0000002 per 1M = 200 nano
    const [price] = convertNewApiRatios({ modelRatio: { tiny: 1e-7 } }).prices;
    expect(price!.inputPer1MNano).toBe(200n);
  });

  it('prices a ratio of 0 at 0 (a free model)', () => {
    const [price] = convertNewApiRatios({ modelRatio: { free: 0 }, completionRatio: { free: 2 } }).prices;
    expect(price).toMatchObject({ inputPer1MNano: 0n, cachedInputPer1MNano: 0n, outputPer1MNano: 0n });
  });

  it('reports completion and cache ratios of models it has no model ratio for', () => {
    const { prices, ignored } = convertNewApiRatios({
      modelRatio: { a: 1 },
      completionRatio: { a: 2, z: 3 },
      cacheRatio: { y: 0.1, z: 0.1 },
    });
    expect(prices.map((p) => p.model)).toEqual(['a']);
    expect(ignored).toEqual(['y', 'z']);
  });

  it('prices a ModelPrice model per call, in USD whatever quotaPerUnit, over any ratio it also has', () => {
    const { prices, ignored } = convertNewApiRatios({
      modelRatio: { 'gpt-4o-mini': 0.075, both: 1 },
      completionRatio: { both: 4, 'only-price': 2 },
      modelPrice: { both: 0.02, 'dall-e-3': 0.04, 'only-price': 0.0000000005 },
      quotaPerUnit: 1_000_000,
    });
    expect(ignored).toEqual([]);
    expect(
      prices.map((p) => [p.model, p.inputPer1MNano, p.outputPer1MNano, p.perRequestNano, p.rounded]),
    ).toEqual([
      ['both', 0n, 0n, 20_000_000n, false],
      ['dall-e-3', 0n, 0n, 0n, false],
      ['gpt-4o-mini', 75_000_000n, 75_000_000n, 0n, false],
      // half a nano-dollar: rounded half up, and said so
      ['only-price', 0n, 0n, 1n, true],
    ]);
  });

  it("prices a dall-e model's ModelPrice per image, at NewAPI's size and quality ratios", () => {
    const { prices } = convertNewApiRatios({
      modelRatio: {},
      modelPrice: { 'dall-e-2': 0.02, 'dall-e-3': 0.04 },
    });
    expect(prices.map((p) => [p.model, p.perRequestNano, p.perImageNano, p.perImageBySize])).toEqual([
      [
        'dall-e-2',
        0n,
        20_000_000n,
        {
          '256x256': 8_000_000n,
          '512x512': 9_000_000n,
          '1024x1024': 20_000_000n,
          '1024x1792': 40_000_000n,
          '1792x1024': 40_000_000n,
        },
      ],
      [
        'dall-e-3',
        0n,
        40_000_000n,
        {
          '256x256': 16_000_000n,
          '512x512': 18_000_000n,
          '1024x1024': 40_000_000n,
          '1024x1792': 80_000_000n,
          '1792x1024': 80_000_000n,
          '1024x1024/hd': 80_000_000n,
          '1024x1792/hd': 120_000_000n,
          '1792x1024/hd': 120_000_000n,
        },
      ],
    ]);
  });

  it('prices a tts model per character at its input price (NewAPI counts its input in characters)', () => {
    const { prices } = convertNewApiRatios({
      modelRatio: { 'tts-1': 7.5, 'tts-1-hd': 15, 'gpt-4o-mini-tts': 0.3 },
    });
    expect(prices.map((p) => [p.model, p.inputPer1MNano, p.charactersPer1MNano])).toEqual([
      ['gpt-4o-mini-tts', 600_000_000n, null],
      ['tts-1', 15_000_000_000n, 15_000_000_000n],
      ['tts-1-hd', 30_000_000_000n, 30_000_000_000n],
    ]);
  });

  it('refuses a quotaPerUnit of 0', () => {
    expect(() => convertNewApiRatios({ modelRatio: { a: 1 }, quotaPerUnit: 0 })).toThrow(RangeError);
  });
});

describe('exactDecimal', () => {
  it.each([
    [0.075, 75n, 1000n],
    [1.25, 125n, 100n],
    [4, 4n, 1n],
    [1e21, 10n ** 21n, 1n],
    [1.5e-7, 15n, 10n ** 8n],
    [0, 0n, 1n],
  ])('%s = %s / %s', (value, numerator, denominator) => {
    expect(exactDecimal(value)).toEqual({ numerator, denominator });
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s', (value) => {
    expect(() => exactDecimal(value)).toThrow(RangeError);
  });
});

import { nanoToUsd } from '@gateway/db';
import { seededRandom } from '@gateway/testing';
import { computeCost, divideRoundHalfUp, microNanoToUsd, PriceNano } from './price-calculator';

/**
 * An independent reference: exact rational arithmetic on USD decimal strings (as an operator types
 * them), rounded to nano by comparing twice the remainder with the denominator.
 */
interface Fraction {
  n: bigint;
  d: bigint;
}

function parseDecimal(usd: string): Fraction {
  const [whole, fraction = ''] = usd.split('.');
  return { n: BigInt(`${whole}${fraction}`), d: 10n ** BigInt(fraction.length) };
}

function add(a: Fraction, b: Fraction): Fraction {
  return { n: a.n * b.d + b.n * a.d, d: a.d * b.d };
}

function times(a: Fraction, k: bigint): Fraction {
  return { n: a.n * k, d: a.d };
}

/** cost in nano-USD, from USD-per-1M decimal strings. */
function referenceCostNano(
  prices: {
    input: string;
    cached: string;
    cacheWrite: string | null;
    output: string;
    perRequest: string;
    reasoning: string | null;
  },
  prompt: bigint,
  cached: bigint,
  written: bigint,
  completion: bigint,
  reasoning: bigint,
): bigint {
  let usd: Fraction = { n: 0n, d: 1n };
  usd = add(usd, times(parseDecimal(prices.input), prompt - cached - written));
  usd = add(usd, times(parseDecimal(prices.cached), cached));
  usd = add(usd, times(parseDecimal(prices.cacheWrite ?? prices.input), written));
  usd = add(usd, times(parseDecimal(prices.output), completion - reasoning));
  usd = add(usd, times(parseDecimal(prices.reasoning ?? prices.output), reasoning));
  // per 1M tokens → divide by 1e6; USD → nano: multiply by 1e9
  const nano = { n: usd.n * 1_000_000_000n, d: usd.d * 1_000_000n };
  const floor = nano.n / nano.d;
  const remainder = nano.n - floor * nano.d;
  const tokens = 2n * remainder >= nano.d ? floor + 1n : floor;
  const perRequest = parseDecimal(prices.perRequest);
  return tokens + (perRequest.n * 1_000_000_000n) / perRequest.d;
}

describe('computeCost', () => {
  it('worked example: gpt-4o-like prices', () => {
    // $2.50 input, $1.25 cached input, $10 output per 1M tokens; 1,234 prompt (200 cached), 567 completion
    const price: PriceNano = {
      inputPer1MNano: 2_500_000_000n,
      cachedInputPer1MNano: 1_250_000_000n,
      outputPer1MNano: 10_000_000_000n,
      perRequestNano: 0n,
    };
    const cost = computeCost(price, { promptTokens: 1234n, cachedTokens: 200n, completionTokens: 567n });
    // (1034 × 2.5 + 200 × 1.25 + 567 × 10) / 1e6 USD = 0.008505 USD
    expect(nanoToUsd(cost.totalNano)).toBe('0.008505');
    expect(microNanoToUsd(cost.inputMicroNano)).toBe('0.002585');
    expect(microNanoToUsd(cost.cachedInputMicroNano)).toBe('0.00025');
    expect(microNanoToUsd(cost.outputMicroNano)).toBe('0.00567');
  });

  it('rounds the token part once, half up, to whole nano-USD; then adds the per-request fee', () => {
    const price = (input: bigint, perRequest = 0n): PriceNano => ({
      inputPer1MNano: input,
      cachedInputPer1MNano: 0n,
      outputPer1MNano: 0n,
      perRequestNano: perRequest,
    });
    const usage = (prompt: bigint) => ({ promptTokens: prompt, cachedTokens: 0n, completionTokens: 0n });
    expect(computeCost(price(500_000n), usage(1n)).totalNano).toBe(1n); // exactly half a nano → up
    expect(computeCost(price(499_999n), usage(1n)).totalNano).toBe(0n); // just under half → down
    expect(computeCost(price(1_500_000n), usage(1n)).totalNano).toBe(2n); // 1.5 → 2
    expect(computeCost(price(1n, 7n), usage(1n)).totalNano).toBe(7n); // fee not rounded away
    // three components of 0.4 nano each: rounded once (1.2 → 1), not per component (0 + 0 + 0)
    const split = computeCost(
      {
        inputPer1MNano: 400_000n,
        cachedInputPer1MNano: 400_000n,
        outputPer1MNano: 400_000n,
        perRequestNano: 0n,
      },
      { promptTokens: 2n, cachedTokens: 1n, completionTokens: 1n },
    );
    expect(split.tokensNano).toBe(1n);
  });

  it('bills cache writes apart from input and cache reads, at their own price when set, else at input', () => {
    const base: PriceNano = {
      inputPer1MNano: 3_000_000_000n, // $3 / 1M
      cachedInputPer1MNano: 300_000_000n, // $0.30
      outputPer1MNano: 0n,
      perRequestNano: 0n,
    };
    // 1000 prompt tokens: 100 read from the cache, 400 written to it, 500 plain input.
    const usage = { promptTokens: 1000n, cachedTokens: 100n, cacheWriteTokens: 400n, completionTokens: 0n };
    expect(computeCost(base, usage)).toMatchObject({
      inputMicroNano: 1_500_000_000_000n,
      cachedInputMicroNano: 30_000_000_000n,
      cacheWriteMicroNano: 1_200_000_000_000n,
      totalNano: 2_730_000n,
    });
    const written = computeCost({ ...base, cacheWritePer1MNano: 3_750_000_000n }, usage); // $3.75
    expect(written.cacheWriteMicroNano).toBe(1_500_000_000_000n);
    expect(written.totalNano).toBe(3_030_000n);
    expect(() =>
      computeCost(base, { promptTokens: 10n, cachedTokens: 6n, cacheWriteTokens: 5n, completionTokens: 0n }),
    ).toThrow(RangeError);
  });

  it('refuses negative counts, more cached than prompt and more reasoning than completion tokens', () => {
    const price: PriceNano = {
      inputPer1MNano: 1n,
      cachedInputPer1MNano: 1n,
      outputPer1MNano: 1n,
      perRequestNano: 0n,
    };
    expect(() => computeCost(price, { promptTokens: 1n, cachedTokens: 2n, completionTokens: 0n })).toThrow(
      RangeError,
    );
    expect(() => computeCost(price, { promptTokens: -1n, cachedTokens: 0n, completionTokens: 0n })).toThrow(
      RangeError,
    );
    expect(() =>
      computeCost(price, { promptTokens: 0n, cachedTokens: 0n, completionTokens: 1n, reasoningTokens: 2n }),
    ).toThrow(RangeError);
  });

  it('bills reasoning tokens at their own price when set, else at the output price', () => {
    const base: PriceNano = {
      inputPer1MNano: 0n,
      cachedInputPer1MNano: 0n,
      outputPer1MNano: 10_000_000_000n, // $10 / 1M
      perRequestNano: 0n,
    };
    const usage = { promptTokens: 0n, cachedTokens: 0n, completionTokens: 1000n, reasoningTokens: 400n };
    expect(computeCost(base, usage).totalNano).toBe(10_000_000n); // $0.01
    const dearer = computeCost({ ...base, reasoningPer1MNano: 40_000_000_000n }, usage);
    expect(dearer).toMatchObject({
      outputMicroNano: 6_000_000_000_000n,
      reasoningMicroNano: 16_000_000_000_000n,
    });
    expect(dearer.totalNano).toBe(22_000_000n); // 600 × $10 + 400 × $40 per 1M
  });

  it('matches an independent rational reference over thousands of random prices and token mixes', () => {
    const random = seededRandom(20240611);
    const int = (max: number) => Math.floor(random() * (max + 1));
    const usd = (): string => {
      // prices from 0 to ~$100,000 per 1M, with 0-9 decimals, some exactly zero
      const whole = random() < 0.1 ? 0 : int([1, 10, 100, 100_000][int(3)] as number);
      const places = int(9);
      const fraction = places === 0 ? '' : `.${String(int(10 ** places - 1)).padStart(places, '0')}`;
      return `${whole}${fraction}`;
    };
    const usdToNano = (s: string): bigint => {
      const [whole, fraction = ''] = s.split('.');
      return BigInt(whole as string) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
    };
    for (let i = 0; i < 5000; i++) {
      const prices = {
        input: usd(),
        cached: usd(),
        cacheWrite: random() < 0.4 ? null : usd(),
        output: usd(),
        perRequest: random() < 0.5 ? '0' : usd(),
        reasoning: random() < 0.5 ? null : usd(),
      };
      const scale = [10, 1000, 1_000_000, 2_000_000_000][int(3)] as number;
      const prompt = BigInt(int(scale));
      const cached = BigInt(Math.floor(random() * (Number(prompt) + 1)));
      const written = random() < 0.3 ? 0n : BigInt(Math.floor(random() * (Number(prompt - cached) + 1)));
      const completion = BigInt(int(scale));
      const reasoning = random() < 0.3 ? 0n : BigInt(Math.floor(random() * (Number(completion) + 1)));
      const cost = computeCost(
        {
          inputPer1MNano: usdToNano(prices.input),
          cachedInputPer1MNano: usdToNano(prices.cached),
          cacheWritePer1MNano: prices.cacheWrite === null ? null : usdToNano(prices.cacheWrite),
          outputPer1MNano: usdToNano(prices.output),
          perRequestNano: usdToNano(prices.perRequest),
          reasoningPer1MNano: prices.reasoning === null ? null : usdToNano(prices.reasoning),
        },
        {
          promptTokens: prompt,
          cachedTokens: cached,
          cacheWriteTokens: written,
          completionTokens: completion,
          reasoningTokens: reasoning,
        },
      );
      const expected = referenceCostNano(prices, prompt, cached, written, completion, reasoning);
      if (cost.totalNano !== expected) {
        throw new Error(
          `mismatch for ${JSON.stringify(prices)} prompt=${prompt} cached=${cached} written=${written} completion=${completion} reasoning=${reasoning}: ${cost.totalNano} vs ${expected}`,
        );
      }
    }
  });

  it('divideRoundHalfUp', () => {
    expect(divideRoundHalfUp(0n, 10n)).toBe(0n);
    expect(divideRoundHalfUp(4n, 10n)).toBe(0n);
    expect(divideRoundHalfUp(5n, 10n)).toBe(1n);
    expect(divideRoundHalfUp(15n, 10n)).toBe(2n);
    expect(divideRoundHalfUp(3n, 2n)).toBe(2n);
  });

  it('microNanoToUsd formats exactly', () => {
    expect(microNanoToUsd(0n)).toBe('0');
    expect(microNanoToUsd(1n)).toBe('0.000000000000001');
    expect(microNanoToUsd(1_000_000_000_000_000n)).toBe('1');
    expect(microNanoToUsd(12_345_000_000_000_000n)).toBe('12.345');
  });
});

// NewAPI / one-api ratios → our prices, exactly. In NewAPI a request costs
// quota = tokens × ModelRatio (× CompletionRatio for completion tokens, × CacheRatio for cached
// prompt tokens), and QuotaPerUnit quota (500000 by default) is one USD. So ratio 1 is
// 1 / 500000 USD per token = $2 per 1M tokens ("1 === $0.002 / 1K tokens" in one-api), and:
//   input  USD per 1M = ModelRatio × 1e6 / QuotaPerUnit
//   output USD per 1M = input × CompletionRatio   (default 1)
//   cached USD per 1M = input × CacheRatio        (default 1, as NewAPI's GetCacheRatio)
// A `tts-*` model's prompt "tokens" are its input's characters (code points, NewAPI's CountTTSToken),
// so its input price is also its price per 1M speech characters. A model with a ModelPrice entry is
// billed that many USD per call instead, whatever its tokens (NewAPI's price wins over its ratio):
//   per request USD = ModelPrice, token prices 0
// but per image for a `dall-e…` model, at the size and quality ratios NewAPI's image relay applies
// (256x256 0.4, 512x512 0.45, 1024x1792 and 1792x1024 2; dall-e-3's hd 2, 1.5 at the large sizes),
// so `n` images cost n prices as there.
// Ratios arrive as JSON numbers; each is read through its shortest decimal spelling (what
// JSON.stringify writes), so 0.075 is exactly 75/1000, never the double nearest to it.
import { divideRoundHalfUp } from '../pricing/price-calculator';

export const DEFAULT_QUOTA_PER_UNIT = 500_000;

/** An exact non-negative rational: numerator / denominator, denominator > 0. */
export interface Exact {
  numerator: bigint;
  denominator: bigint;
}

const DECIMAL_SPELLING = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/** The exact value of a JSON number as it was written (its shortest round-trip decimal). */
export function exactDecimal(value: number): Exact {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a non-negative number: ${value}`);
  const match = DECIMAL_SPELLING.exec(String(value));
  if (!match) throw new RangeError(`not a decimal number: ${value}`);
  const [, whole = '0', fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText) - fraction.length;
  const digits = BigInt(whole + fraction);
  return exponent >= 0
    ? { numerator: digits * 10n ** BigInt(exponent), denominator: 1n }
    : { numerator: digits, denominator: 10n ** BigInt(-exponent) };
}

export interface NewApiRatios {
  modelRatio: Record<string, number>;
  completionRatio?: Record<string, number>;
  cacheRatio?: Record<string, number>;
  /** USD per call; a model named here is billed per call, not by its ratios. */
  modelPrice?: Record<string, number>;
  quotaPerUnit?: number;
}

export interface ConvertedPrice {
  model: string;
  inputPer1MNano: bigint;
  cachedInputPer1MNano: bigint;
  outputPer1MNano: bigint;
  perRequestNano: bigint;
  /** A `dall-e…` model with a ModelPrice: per image, and by size (`1024x1024`, `1024x1024/hd`). */
  perImageNano: bigint | null;
  perImageBySize: Record<string, bigint> | null;
  /** Speech (`tts-*`): per 1M input characters; null for any other model. */
  charactersPer1MNano: bigint | null;
  /** True when a price had to be rounded (half up) to whole nano-USD. */
  rounded: boolean;
}

export interface Conversion {
  prices: ConvertedPrice[];
  /**
   * Models named in completionRatio or cacheRatio but in neither modelRatio nor modelPrice: nothing
   * to price them by.
   */
  ignored: string[];
}

/** nano-USD in one USD × tokens in "per 1M". */
const NANO_PER_USD = 1_000_000_000n;
const NANO_PER_1M_TOKENS_PER_QUOTA_UNIT = NANO_PER_USD * 1_000_000n;
const ONE: Exact = { numerator: 1n, denominator: 1n };

export function convertNewApiRatios(ratios: NewApiRatios): Conversion {
  const quotaPerUnit = exactDecimal(ratios.quotaPerUnit ?? DEFAULT_QUOTA_PER_UNIT);
  if (quotaPerUnit.numerator === 0n) throw new RangeError('quotaPerUnit must be greater than 0');
  const completion = ratios.completionRatio ?? {};
  const cache = ratios.cacheRatio ?? {};
  const fixed = ratios.modelPrice ?? {};
  const models = [...new Set([...Object.keys(ratios.modelRatio), ...Object.keys(fixed)])].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const prices = models.map((model): ConvertedPrice => {
    const perCall = own(fixed, model);
    if (perCall !== undefined) {
      const usd = exactDecimal(perCall);
      const numerator = usd.numerator * NANO_PER_USD;
      const nano = divideRoundHalfUp(numerator, usd.denominator);
      const bySize = imageRatiosOf(model);
      return {
        model,
        inputPer1MNano: 0n,
        cachedInputPer1MNano: 0n,
        outputPer1MNano: 0n,
        perRequestNano: bySize ? 0n : nano,
        perImageNano: bySize ? nano : null,
        perImageBySize: bySize
          ? Object.fromEntries(
              Object.entries(bySize).map(([size, [times, over]]) => [
                size,
                divideRoundHalfUp(numerator * times, usd.denominator * over),
              ]),
            )
          : null,
        charactersPer1MNano: null,
        rounded:
          numerator % usd.denominator !== 0n ||
          Object.values(bySize ?? {}).some(
            ([times, over]) => (numerator * times) % (usd.denominator * over) !== 0n,
          ),
      };
    }
    const base = exactDecimal(ratios.modelRatio[model]);
    const per1M = (factor: Exact) => {
      // ratio × factor × 1e15 / quotaPerUnit, as one fraction, rounded once.
      const numerator =
        base.numerator * factor.numerator * NANO_PER_1M_TOKENS_PER_QUOTA_UNIT * quotaPerUnit.denominator;
      const denominator = base.denominator * factor.denominator * quotaPerUnit.numerator;
      return { nano: divideRoundHalfUp(numerator, denominator), exact: numerator % denominator === 0n };
    };
    const input = per1M(ONE);
    const output = per1M(factorOf(completion, model));
    const cached = per1M(factorOf(cache, model));
    return {
      model,
      inputPer1MNano: input.nano,
      cachedInputPer1MNano: cached.nano,
      outputPer1MNano: output.nano,
      perRequestNano: 0n,
      perImageNano: null,
      perImageBySize: null,
      charactersPer1MNano: isSpeechByCharacter(model) ? input.nano : null,
      rounded: !(input.exact && output.exact && cached.exact),
    };
  });
  const priced = new Set(models);
  const ignored = [...new Set([...Object.keys(completion), ...Object.keys(cache)])]
    .filter((model) => !priced.has(model))
    .sort();
  return { prices, ignored };
}

/** NewAPI counts a `tts…` model's input in characters, any other speech model's in tokens. */
export function isSpeechByCharacter(model: string): boolean {
  return model.startsWith('tts');
}

/** A size's (or size and quality's) multiple of the price as a fraction [times, over]. */
type Multiple = [bigint, bigint];

/** NewAPI's image relay: the size and quality ratios it applies to a `dall-e…` model's ModelPrice. */
function imageRatiosOf(model: string): Record<string, Multiple> | null {
  if (!model.startsWith('dall-e')) return null;
  const sizes: Record<string, Multiple> = {
    '256x256': [4n, 10n],
    '512x512': [45n, 100n],
    '1024x1024': [1n, 1n],
    '1024x1792': [2n, 1n],
    '1792x1024': [2n, 1n],
  };
  if (model !== 'dall-e-3') return sizes;
  return {
    ...sizes,
    '1024x1024/hd': [2n, 1n],
    '1024x1792/hd': [3n, 1n],
    '1792x1024/hd': [3n, 1n],
  };
}

function own(map: Record<string, number>, model: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(map, model) ? map[model] : undefined;
}

/** The model's ratio in `map`, or 1 when it has none (NewAPI's default for both maps). */
function factorOf(map: Record<string, number>, model: string): Exact {
  const ratio = own(map, model);
  return ratio === undefined ? ONE : exactDecimal(ratio);
}

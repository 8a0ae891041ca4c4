// What the relay's non-chat routes (images, audio, speech, moderations, rerank) cost, in integer
// nano-USD, and which unit bills them. The route says what it measured; the model's price decides
// the unit: an image price bills images, a per-second price audio seconds, a per-character price
// characters; failing that, the tokens the upstream reported; failing that, the per-request fee.
import { computeCost, divideRoundHalfUp, type PriceNano } from './price-calculator';

export const BILLED_UNITS = ['tokens', 'images', 'audio_seconds', 'characters', 'requests'] as const;
/** The unit a usage record was billed in (docs/api.md). */
export type BilledUnit = (typeof BILLED_UNITS)[number];

/** Token counts as the upstream reported them (or the gateway counted them). */
export interface MeteredTokens {
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  reasoningTokens?: number;
}

/** What one non-chat request used, as the relay measured it. */
export type MeteredUsage =
  | {
      kind: 'images';
      /** Images produced (worst case: the `n` asked for). */
      count: number;
      /** `1024x1024`, …; null when the client left it to the model. */
      size: string | null;
      quality: string | null;
      /** Tokens when the upstream reported them (`gpt-image-1`). */
      tokens: MeteredTokens | null;
    }
  | {
      kind: 'audio';
      /** Seconds of input audio (worst case: the bound from the upload's size). */
      seconds: number;
      tokens: MeteredTokens | null;
    }
  | {
      kind: 'speech';
      /** Characters (code points) of the input text. */
      characters: number;
      tokens: MeteredTokens | null;
    }
  | { kind: 'tokens'; tokens: MeteredTokens };

export interface MeteredBill {
  unit: BilledUnit;
  /** How many units were billed (tokens: prompt + completion). */
  quantity: bigint;
  /** Before the group multiplier. */
  costNano: bigint;
}

/**
 * The size OpenAI's image models make when a request names none (dall-e-2's and dall-e-3's default):
 * what an absent or `auto` size is priced at, unless the model has a price for `auto` itself (for a
 * model whose `auto` may pick a larger size, such as gpt-image's, the operator can price it dearer).
 */
export const DEFAULT_IMAGE_SIZE = '1024x1024';

/**
 * The price of one image of `size` and `quality`, null if the model has no image price. Sizes
 * tried: the one asked (an absent or `auto` size: `auto`, then DEFAULT_IMAGE_SIZE), each as
 * `size/quality` then `size`; else perImage; else the dearest size price, so a request never gets
 * an image free, nor cheaper than a priced size, by naming no size or one without a price.
 */
export function imageRateNano(price: PriceNano, size: string | null, quality: string | null): bigint | null {
  const bySize = price.perImageBySizeNano ?? null;
  if (bySize === null || Object.keys(bySize).length === 0) return price.perImageNano ?? null;
  // Price keys are lower case (SetPriceDto): a client's `HD` is priced as `hd`.
  const wanted = quality?.toLowerCase() ?? null;
  const sizes = size === null || size === 'auto' ? ['auto', DEFAULT_IMAGE_SIZE] : [size];
  for (const asked of sizes) {
    const rate =
      (wanted === null ? undefined : priceOf(bySize, `${asked}/${wanted}`)) ?? priceOf(bySize, asked);
    if (rate !== undefined) return rate;
  }
  return price.perImageNano ?? dearestSizePrice(bySize, wanted);
}

function priceOf(bySize: Readonly<Record<string, bigint>>, key: string): bigint | undefined {
  return Object.hasOwn(bySize, key) ? bySize[key] : undefined;
}

/** The dearest size price that applies to `quality` (a key without one applies to every quality), else of all. */
function dearestSizePrice(bySize: Readonly<Record<string, bigint>>, quality: string | null): bigint {
  const all = Object.entries(bySize);
  const fitting = all.filter(
    ([key]) => !key.includes('/') || (quality !== null && key.endsWith(`/${quality}`)),
  );
  return (fitting.length > 0 ? fitting : all).reduce(
    (dearest, [, rate]) => (rate > dearest ? rate : dearest),
    0n,
  );
}

/** The unit, quantity and cost of `usage` at `price` (null: the model has no price, it costs 0). */
export function billMetered(price: PriceNano | null, usage: MeteredUsage): MeteredBill {
  const perRequest = price?.perRequestNano ?? 0n;
  const byTokens = (tokens: MeteredTokens): MeteredBill => ({
    unit: 'tokens',
    quantity: BigInt(whole(tokens.promptTokens) + whole(tokens.completionTokens)),
    costNano: price === null ? 0n : tokenCost(price, tokens),
  });
  const byRequest: MeteredBill = { unit: 'requests', quantity: 1n, costNano: perRequest };
  switch (usage.kind) {
    case 'tokens':
      return byTokens(usage.tokens);
    case 'images': {
      const count = BigInt(whole(usage.count));
      const rate = price === null ? 0n : imageRateNano(price, usage.size, usage.quality);
      if (rate !== null) return { unit: 'images', quantity: count, costNano: count * rate + perRequest };
      return usage.tokens !== null ? byTokens(usage.tokens) : byRequest;
    }
    case 'audio': {
      // Billed by the started second: 12.1 s of audio is 13 seconds.
      const seconds = BigInt(Math.ceil(Math.max(0, usage.seconds)));
      const rate = price === null ? 0n : (price.perAudioSecondNano ?? null);
      if (rate !== null)
        return { unit: 'audio_seconds', quantity: seconds, costNano: seconds * rate + perRequest };
      return usage.tokens !== null ? byTokens(usage.tokens) : byRequest;
    }
    case 'speech': {
      const characters = BigInt(whole(usage.characters));
      const rate = price === null ? 0n : (price.charactersPer1MNano ?? null);
      if (rate !== null) {
        const cost = rate === 0n ? 0n : divideRoundHalfUp(characters * rate, 1_000_000n);
        return { unit: 'characters', quantity: characters, costNano: cost + perRequest };
      }
      return usage.tokens !== null ? byTokens(usage.tokens) : byRequest;
    }
  }
}

function tokenCost(price: PriceNano, tokens: MeteredTokens): bigint {
  const prompt = BigInt(whole(tokens.promptTokens));
  const cached = BigInt(whole(tokens.cachedTokens));
  const completion = BigInt(whole(tokens.completionTokens));
  const reasoning = BigInt(whole(tokens.reasoningTokens ?? 0));
  return computeCost(price, {
    promptTokens: prompt,
    cachedTokens: cached > prompt ? prompt : cached,
    completionTokens: completion,
    reasoningTokens: reasoning > completion ? completion : reasoning,
  }).totalNano;
}

function whole(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0;
}

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

/** The price of one image of `size` and `quality`: `size/quality`, else `size`, else perImage; null if none. */
export function imageRateNano(price: PriceNano, size: string | null, quality: string | null): bigint | null {
  const bySize = price.perImageBySizeNano ?? null;
  if (bySize !== null && size !== null) {
    const exact = quality === null ? undefined : bySize[`${size}/${quality}`];
    if (exact !== undefined) return exact;
    const sized = bySize[size];
    if (sized !== undefined) return sized;
  }
  return price.perImageNano ?? null;
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

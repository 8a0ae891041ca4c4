// The cost of one request in integer nano-USD. No floats anywhere.
//
// Prices are nano-USD per 1M tokens, so tokens × price is in units of 1e-6 nano-USD ("micro-nano").
// Reasoning tokens are part of the completion tokens (as OpenAI counts them); they cost the output
// price unless the model sets its own reasoning price. Prompt tokens are uncached input, cache reads
// and cache writes, each at its own price (a cache write costs the input price unless set). The token amounts are summed exactly, then rounded ONCE, half up, to whole nano-USD (a
// remainder of exactly half a nano rounds up); the per-request fee (already whole nano) is added
// after. Rounding once rather than per component keeps the total independent of how it is split.

export interface PriceNano {
  inputPer1MNano: bigint;
  cachedInputPer1MNano: bigint;
  outputPer1MNano: bigint;
  perRequestNano: bigint;
  /** Reasoning tokens' price; null: they cost the output price like other completion tokens. */
  reasoningPer1MNano?: bigint | null;
  /** Per image (images routes); null: images are not priced per image. */
  perImageNano?: bigint | null;
  /** Per image by `size` or `size/quality` (e.g. `1024x1024`, `1024x1024/hd`), overriding perImageNano. */
  perImageBySizeNano?: Readonly<Record<string, bigint>> | null;
  /** Per second of input audio (transcriptions, translations). */
  perAudioSecondNano?: bigint | null;
  /** Per 1M input characters of speech (audio/speech). */
  charactersPer1MNano?: bigint | null;
  /** Prompt tokens written to the provider's cache; null: they cost the input price. */
  cacheWritePer1MNano?: bigint | null;
}

export interface TokenUsage {
  /** All prompt tokens, cached ones included (OpenAI's prompt_tokens). */
  promptTokens: bigint;
  /** The part of promptTokens read from the provider's cache. */
  cachedTokens: bigint;
  /** The part of promptTokens written to the provider's cache (default 0); apart from cachedTokens. */
  cacheWriteTokens?: bigint;
  completionTokens: bigint;
  /** The part of completionTokens spent reasoning (default 0). */
  reasoningTokens?: bigint;
}

export interface CostBreakdown {
  /** Exact amounts, in 1e-6 nano-USD. */
  inputMicroNano: bigint;
  cachedInputMicroNano: bigint;
  cacheWriteMicroNano: bigint;
  /** Completion tokens other than reasoning ones. */
  outputMicroNano: bigint;
  reasoningMicroNano: bigint;
  /** The token part, rounded half up to nano-USD. */
  tokensNano: bigint;
  perRequestNano: bigint;
  /** tokensNano + perRequestNano. */
  totalNano: bigint;
}

export const MICRO_NANO_PER_NANO = 1_000_000n;

/** a / b rounded half up, for a ≥ 0 and b > 0. */
export function divideRoundHalfUp(a: bigint, b: bigint): bigint {
  return (a + b / 2n) / b;
}

export function computeCost(price: PriceNano, usage: TokenUsage): CostBreakdown {
  const { promptTokens, cachedTokens, completionTokens } = usage;
  const reasoningTokens = usage.reasoningTokens ?? 0n;
  const cacheWriteTokens = usage.cacheWriteTokens ?? 0n;
  if (
    promptTokens < 0n ||
    cachedTokens < 0n ||
    cacheWriteTokens < 0n ||
    completionTokens < 0n ||
    reasoningTokens < 0n ||
    cachedTokens + cacheWriteTokens > promptTokens ||
    reasoningTokens > completionTokens
  ) {
    throw new RangeError(
      'token counts must be ≥ 0 with cachedTokens + cacheWriteTokens ≤ promptTokens and reasoningTokens ≤ completionTokens',
    );
  }
  const inputMicroNano = (promptTokens - cachedTokens - cacheWriteTokens) * price.inputPer1MNano;
  const cachedInputMicroNano = cachedTokens * price.cachedInputPer1MNano;
  const cacheWriteMicroNano = cacheWriteTokens * (price.cacheWritePer1MNano ?? price.inputPer1MNano);
  const outputMicroNano = (completionTokens - reasoningTokens) * price.outputPer1MNano;
  const reasoningMicroNano = reasoningTokens * (price.reasoningPer1MNano ?? price.outputPer1MNano);
  const tokensNano = divideRoundHalfUp(
    inputMicroNano + cachedInputMicroNano + cacheWriteMicroNano + outputMicroNano + reasoningMicroNano,
    MICRO_NANO_PER_NANO,
  );
  return {
    inputMicroNano,
    cachedInputMicroNano,
    cacheWriteMicroNano,
    outputMicroNano,
    reasoningMicroNano,
    tokensNano,
    perRequestNano: price.perRequestNano,
    totalNano: tokensNano + price.perRequestNano,
  };
}

/** An exact micro-nano amount as a USD decimal string (up to 15 decimal places, zeros trimmed). */
export function microNanoToUsd(microNano: bigint): string {
  const scale = 1_000_000_000_000_000n; // 1e15 micro-nano per USD
  const whole = microNano / scale;
  const fraction = (microNano % scale).toString().padStart(15, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

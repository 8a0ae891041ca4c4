// What a request costs under a draft price, before it is saved, computed as the api does (see
// libs/billing's price calculator): exact integers in nano-USD, the token part rounded once, half
// up, then the per-request fee added. The api's preview stays the authority for saved prices.
import { nanoToUsd as usd, usdToNano as nano, USD_AMOUNT } from '../../components/usd-amount';

const TOKENS_PER_RATE = 1_000_000n;

export const TOKEN_COUNT = /^(0|[1-9]\d{0,14})$/;

export interface DraftPrice {
  inputPer1M: string;
  cachedInputPer1M?: string;
  /** USD per 1M prompt tokens written to the provider's cache; empty: the input rate. */
  cacheWritePer1M?: string | null;
  outputPer1M: string;
  /** USD per 1M reasoning tokens (part of the completion); empty: the output rate. */
  reasoningPer1M?: string | null;
  perRequest?: string;
}

export interface TokenCounts {
  promptTokens: string;
  cachedTokens: string;
  /** The part of promptTokens written to the cache, apart from cachedTokens (absent: 0). */
  cacheWriteTokens?: string;
  completionTokens: string;
  /** The reasoning part of completionTokens. */
  reasoningTokens: string;
}

/**
 * The cost in USD, or null while a field is not a valid amount or count (or cached > prompt, or
 * reasoning > completion).
 */
export function draftCost(price: Partial<DraftPrice>, counts: TokenCounts): string | null {
  const input = price.inputPer1M ?? '';
  const output = price.outputPer1M ?? '';
  const cachedRate = price.cachedInputPer1M || input;
  const cacheWriteRate = price.cacheWritePer1M || input;
  const reasoningRate = price.reasoningPer1M || output;
  const perRequest = price.perRequest || '0';
  if (
    ![input, output, cachedRate, cacheWriteRate, reasoningRate, perRequest].every((value) =>
      USD_AMOUNT.test(value),
    )
  ) {
    return null;
  }
  const tokenCounts = [
    counts.promptTokens,
    counts.cachedTokens,
    counts.cacheWriteTokens ?? '0',
    counts.completionTokens,
    counts.reasoningTokens,
  ];
  if (!tokenCounts.every((v) => TOKEN_COUNT.test(v))) return null;
  const prompt = BigInt(counts.promptTokens);
  const cached = BigInt(counts.cachedTokens);
  const written = BigInt(counts.cacheWriteTokens ?? '0');
  const completion = BigInt(counts.completionTokens);
  const reasoning = BigInt(counts.reasoningTokens);
  if (cached + written > prompt || reasoning > completion) return null;
  const scaled =
    (prompt - cached - written) * nano(input) +
    cached * nano(cachedRate) +
    written * nano(cacheWriteRate) +
    (completion - reasoning) * nano(output) +
    reasoning * nano(reasoningRate);
  const tokensNano = (scaled + TOKENS_PER_RATE / 2n) / TOKENS_PER_RATE;
  return usd(tokensNano + nano(perRequest));
}

// What the relay reports about one /v1 request once it is over: exactly one event per request,
// success or failure. The worker turns events into `usage_records` rows, idempotently by requestId.

/** The /v1 endpoint a request came in on. */
export type UsageEndpoint =
  | 'chat.completions'
  | 'completions'
  | 'embeddings'
  | 'responses'
  | 'messages'
  | 'generate_content'
  | 'images.generations'
  | 'images.edits'
  | 'audio.transcriptions'
  | 'audio.translations'
  | 'audio.speech'
  | 'moderations'
  | 'rerank';

/** The unit a request was billed in (the model's price decides it; docs/api.md). */
export type UsageBilledUnit = 'tokens' | 'images' | 'audio_seconds' | 'characters' | 'requests';

/** Where the token counts came from: the upstream's usage, the gateway's tokenizer, or nothing ran. */
export type UsageEventSource = 'upstream' | 'counted' | 'none';

/** One upstream attempt that failed before the one that answered (or before giving up). */
export interface UsageAttempt {
  channelId: string;
  channelName: string;
  keyId: string;
  /** Upstream HTTP status, or null for a connect error / timeout. */
  status: number | null;
  /** e.g. `rate_limited`, `server_error`, `timeout`, `connect_error`. */
  code: string;
}

export interface UsageEvent {
  /** The `x-request-id` the client saw; unique per request. */
  requestId: string;
  /** ISO time the gateway received the request (prices in force at this instant apply). */
  startedAt: string;
  tenantId: string;
  tokenId: string;
  endpoint: UsageEndpoint;
  /** The model the client asked for. */
  model: string;
  stream: boolean;
  /** The channel/key/upstream model that answered (or was last tried); null when none was tried. */
  channelId: string | null;
  channelKeyId: string | null;
  upstreamModel: string | null;
  /** The model that answered when it is not the one asked (a chain's or `auto`'s member); priced as such. */
  servedModel?: string | null;
  promptTokens: number;
  cachedTokens: number;
  /** Prompt tokens written to the provider's cache (part of promptTokens, apart from cachedTokens). */
  cacheWriteTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  usageSource: UsageEventSource;
  /** The unit the cost was computed in; left out by older relays: `tokens`. */
  billedUnit?: UsageBilledUnit;
  /** How many of `billedUnit` were billed; left out: prompt + completion tokens. */
  billedQuantity?: number;
  /** Cost in nano-USD as a decimal integer string (bigint does not survive JSON). */
  costNano: string;
  /**
   * The part of the cost the tenant's plan allowance covered (the rest was debited from its
   * balance), nano-USD as a decimal string; "0" when the tenant has no plan.
   */
  coveredNano: string;
  /**
   * What the upstream's usage cost beyond the request's hold, nano-USD as a decimal string: recorded
   * here and not charged (costNano is capped at the hold; docs/design.md invariant 6). Left out by
   * older relays: "0".
   */
  writtenOffNano?: string;
  /** ISO start of the plan period the request counted toward; null when the tenant has no plan. */
  planPeriodStart: string | null;
  /** From receipt to the last byte sent. */
  latencyMs: number;
  /** From receipt to the first generated content; null for non-stream or when none came. */
  ttftMs: number | null;
  /** HTTP status the client got; 499 when the client went away first. */
  status: number;
  /** Our error code (docs/api.md table) when status >= 400 or the stream ended in error; else null. */
  errorCode: string | null;
  /** Human-readable, secrets masked, at most 1000 chars. */
  errorMessage: string | null;
  /** Failed attempts before the final one. */
  fallbacks: UsageAttempt[];
  clientIp: string | null;
}

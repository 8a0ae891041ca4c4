// The gateway's own token figures for a request before it is sent: the prompt's bound (held, and
// checked against tpm/tpd caps up front, from sizes alone: no tokenizer on the hot path, issue #16)
// and the prompt's count, made with the tokenizer only if an upstream reports no usage (billed then).
import {
  canonicalPromptTokensBound,
  chatPromptTokensBound,
  countCanonicalPromptTokens,
  countChatPromptTokens,
  countPromptInputTokens,
  predictionTokensBound,
  promptInputTokensBound,
  type CanonicalRequest,
  type OpenAiRequest,
} from '@gateway/providers';

export interface RequestEstimate {
  /** The prompt's tokens at most (prompt-bound.ts): what is held and counted against tpm/tpd. */
  promptTokens: number;
  /**
   * The prompt's tokens as the gateway's tokenizer counts them, billed when the upstream reports
   * no usage. Counted when first called (most upstreams report usage: then never).
   */
  countPrompt: () => number;
  /** Prompt plus the most the answer may take (max_tokens × n when the client set a limit). */
  estimatedTokens: number;
  /** The most completion tokens the answer may be billed for: max_tokens × n, else `defaultMax` × n. */
  completionCeiling: number;
  /** The same ceiling for one answer (max_tokens, else `defaultMax`): what an upstream may be asked for. */
  heldOutputTokens: number;
}

function positive(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** How many prompts a legacy completion's `prompt` holds: a list of texts or of token lists, else one. */
function promptCount(prompt: unknown): number {
  if (!Array.isArray(prompt) || prompt.length === 0) return 1;
  return typeof prompt[0] === 'number' ? 1 : prompt.length;
}

/** `count` run once, when first asked. */
function once(count: () => number): () => number {
  let counted: number | undefined;
  return () => (counted ??= count());
}

export function estimateRequest(request: OpenAiRequest, defaultMax: number): RequestEstimate {
  switch (request.endpoint) {
    case 'chat.completions': {
      const body = request.body;
      const promptTokens = chatPromptTokensBound(body);
      // Sent both, the two may differ: OpenAI and vLLM read max_completion_tokens, many compatible
      // servers only max_tokens. The hold bounds either (docs/design.md invariant 6).
      const maxOut = Math.max(positive(body.max_completion_tokens), positive(body.max_tokens));
      const n = Math.max(1, positive(body.n));
      const predicted = predictionTokensBound(body);
      return {
        promptTokens,
        countPrompt: once(() => countChatPromptTokens(body)),
        estimatedTokens: promptTokens + maxOut * n + predicted,
        completionCeiling: (maxOut || defaultMax) * n + predicted,
        heldOutputTokens: maxOut || defaultMax,
      };
    }
    case 'completions': {
      const body = request.body;
      const promptTokens = promptInputTokensBound(body.prompt);
      // Each prompt of a list gets its own answers, and OpenAI generates (and bills) best_of of
      // them, returning n: the upstream may write max_tokens that many times.
      const answers = promptCount(body.prompt) * Math.max(1, positive(body.n), positive(body.best_of));
      return {
        promptTokens,
        countPrompt: once(() => countPromptInputTokens(body.prompt)),
        estimatedTokens: promptTokens + positive(body.max_tokens) * answers,
        completionCeiling: (positive(body.max_tokens) || defaultMax) * answers,
        heldOutputTokens: positive(body.max_tokens) || defaultMax,
      };
    }
    case 'embeddings': {
      const input = request.body.input;
      const promptTokens = promptInputTokensBound(input);
      return {
        promptTokens,
        countPrompt: once(() => countPromptInputTokens(input)),
        estimatedTokens: promptTokens,
        completionCeiling: 0,
        heldOutputTokens: 0,
      };
    }
  }
}

/** The same figures for a canonical ingress's request (one answer: these formats have no `n`). */
export function estimateCanonicalRequest(request: CanonicalRequest, defaultMax: number): RequestEstimate {
  const promptTokens = canonicalPromptTokensBound(request);
  const maxOut = positive(request.maxOutputTokens);
  return {
    promptTokens,
    countPrompt: once(() => countCanonicalPromptTokens(request)),
    estimatedTokens: promptTokens + maxOut,
    completionCeiling: maxOut || defaultMax,
    heldOutputTokens: maxOut || defaultMax,
  };
}

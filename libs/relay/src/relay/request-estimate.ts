// The gateway's own token figures for a request before it is sent: the prompt count (billed when
// the upstream reports no usage) and the worst-case total (checked against tpm/tpd caps up front).
import {
  countCanonicalPromptTokens,
  countChatPromptTokens,
  countPromptInputTokens,
  type CanonicalRequest,
  type OpenAiRequest,
} from '@gateway/providers';

export interface RequestEstimate {
  promptTokens: number;
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

export function estimateRequest(request: OpenAiRequest, defaultMax: number): RequestEstimate {
  switch (request.endpoint) {
    case 'chat.completions': {
      const body = request.body;
      const promptTokens = countChatPromptTokens(body);
      const maxOut = positive(body.max_completion_tokens) || positive(body.max_tokens);
      const n = Math.max(1, positive(body.n));
      return {
        promptTokens,
        estimatedTokens: promptTokens + maxOut * n,
        completionCeiling: (maxOut || defaultMax) * n,
        heldOutputTokens: maxOut || defaultMax,
      };
    }
    case 'completions': {
      const body = request.body;
      const promptTokens = countPromptInputTokens(body.prompt);
      const n = Math.max(1, positive(body.n));
      return {
        promptTokens,
        estimatedTokens: promptTokens + positive(body.max_tokens) * n,
        completionCeiling: (positive(body.max_tokens) || defaultMax) * n,
        heldOutputTokens: positive(body.max_tokens) || defaultMax,
      };
    }
    case 'embeddings': {
      const promptTokens = countPromptInputTokens(request.body.input);
      return { promptTokens, estimatedTokens: promptTokens, completionCeiling: 0, heldOutputTokens: 0 };
    }
  }
}

/** The same figures for a canonical ingress's request (one answer: these formats have no `n`). */
export function estimateCanonicalRequest(request: CanonicalRequest, defaultMax: number): RequestEstimate {
  const promptTokens = countCanonicalPromptTokens(request);
  const maxOut = positive(request.maxOutputTokens);
  return {
    promptTokens,
    estimatedTokens: promptTokens + maxOut,
    completionCeiling: maxOut || defaultMax,
    heldOutputTokens: maxOut || defaultMax,
  };
}

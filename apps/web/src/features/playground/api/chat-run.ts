// One chat completion through the gateway's /v1, as an SDK would send it, with what the console
// wants to show about it: the answer (streamed as it comes), where it was routed, how many attempts
// failed first, time to first token, total time, and the usage the gateway reported.
import { SseLines } from '../sse-lines';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatUsage {
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  /** The reasoning part of completionTokens (billed at the model's reasoning rate, if it has one). */
  reasoningTokens: number;
}

export interface RunStats {
  requestId: string | null;
  /** `x-routed-via`: channel/upstream model */
  routedVia: string | null;
  /** `x-fallback-attempts`: attempts that failed before the one that answered */
  fallbackAttempts: number;
  ttftMs: number | null;
  latencyMs: number;
  usage: ChatUsage | null;
}

/** A /v1 error in OpenAI's shape. */
export class RelayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'RelayError';
  }
}

interface OpenAiUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

function toUsage(usage: OpenAiUsage | null | undefined): ChatUsage | null {
  if (!usage) return null;
  return {
    promptTokens: usage.prompt_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    completionTokens: usage.completion_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

export async function relayError(response: Response): Promise<RelayError> {
  const body = (await response.json().catch(() => null)) as {
    error?: { message?: string; code?: string };
  } | null;
  return new RelayError(
    response.status,
    body?.error?.code ?? null,
    body?.error?.message ?? `HTTP ${response.status}`,
  );
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** GET /v1/models: the models this token may use. */
export async function listModels(key: string, signal?: AbortSignal): Promise<string[]> {
  const response = await fetch('/v1/models', { headers: bearer(key), signal });
  if (!response.ok) throw await relayError(response);
  const body = (await response.json()) as { data: { id: string }[] };
  return body.data.map((model) => model.id).sort();
}

interface RunOptions {
  key: string;
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  signal?: AbortSignal;
  onDelta: (text: string) => void;
}

export async function runChat({
  key,
  model,
  messages,
  stream,
  signal,
  onDelta,
}: RunOptions): Promise<RunStats> {
  const started = performance.now();
  const response = await fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { ...bearer(key), 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      messages,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    }),
    signal,
  });
  if (!response.ok) throw await relayError(response);
  const stats: RunStats = {
    requestId: response.headers.get('x-request-id'),
    routedVia: response.headers.get('x-routed-via'),
    fallbackAttempts: Number(response.headers.get('x-fallback-attempts') ?? 0),
    ttftMs: null,
    latencyMs: 0,
    usage: null,
  };

  if (!stream || !response.body) {
    const body = (await response.json()) as {
      choices: { message: { content: string | null } }[];
      usage?: OpenAiUsage;
    };
    onDelta(body.choices[0]?.message.content ?? '');
    stats.usage = toUsage(body.usage);
    stats.latencyMs = performance.now() - started;
    return stats;
  }

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const lines = new SseLines();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const data of lines.push(value)) {
      if (data === '[DONE]') continue;
      const chunk = JSON.parse(data) as {
        choices?: { delta?: { content?: string | null } }[];
        usage?: OpenAiUsage | null;
        error?: { message?: string; code?: string };
      };
      if (chunk.error)
        throw new RelayError(
          response.status,
          chunk.error.code ?? null,
          chunk.error.message ?? 'stream error',
        );
      const text = chunk.choices?.[0]?.delta?.content;
      if (text) {
        stats.ttftMs ??= performance.now() - started;
        onDelta(text);
      }
      if (chunk.usage) stats.usage = toUsage(chunk.usage);
    }
  }
  stats.latencyMs = performance.now() - started;
  return stats;
}

// One chat through the gateway's /v1 in the ingress format chosen, as its SDK would send it, with
// what the console wants to show about it: the answer (streamed as it comes), where it was routed, how many attempts
// failed first, time to first token, total time, and the usage the gateway reported.
import { SseLines } from '../sse-lines';
import type { ChatMessage, ChatUsage } from './chat-types';
import { ingressFormat, type IngressFormat } from './ingress-formats';

export type { ChatMessage, ChatUsage } from './chat-types';

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

/** Every ingress answers errors as `{error: {message, code | type | status}}` (Anthropic's inside `type: "error"`). */
export async function relayError(response: Response): Promise<RelayError> {
  const body = (await response.json().catch(() => null)) as {
    error?: { message?: string; code?: string | number; type?: string; status?: string };
  } | null;
  const error = body?.error;
  const code = typeof error?.code === 'string' ? error.code : (error?.type ?? error?.status ?? null);
  return new RelayError(response.status, code, error?.message ?? `HTTP ${response.status}`);
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
  /** The ingress format to speak (default chat completions). */
  format?: IngressFormat;
  signal?: AbortSignal;
  onDelta: (text: string) => void;
}

export async function runChat({
  key,
  model,
  messages,
  stream,
  format = 'chat',
  signal,
  onDelta,
}: RunOptions): Promise<RunStats> {
  const started = performance.now();
  const spec = ingressFormat(format);
  const call = spec.request(key, model, messages, stream);
  const response = await fetch(call.url, {
    method: 'POST',
    headers: call.headers,
    body: JSON.stringify(call.body),
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
    const reading = spec.readAnswer(await response.json());
    onDelta(reading.text ?? '');
    stats.usage = reading.usage ?? null;
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
      const reading = spec.readEvent(JSON.parse(data));
      if (reading.error) throw new RelayError(response.status, reading.error.code, reading.error.message);
      if (reading.text) {
        stats.ttftMs ??= performance.now() - started;
        onDelta(reading.text);
      }
      if (reading.usage) stats.usage = reading.usage;
    }
  }
  stats.latencyMs = performance.now() - started;
  return stats;
}

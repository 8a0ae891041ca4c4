// An image or a speech request through the gateway's /v1, as an SDK would send it, with how it was
// served (routed via, failed attempts, total time). The usage record has the unit and cost.
import { type RunStats, relayError } from './chat-run';

const bearer = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

function statsOf(response: Response, started: number): RunStats {
  return {
    requestId: response.headers.get('x-request-id'),
    routedVia: response.headers.get('x-routed-via'),
    fallbackAttempts: Number(response.headers.get('x-fallback-attempts') ?? 0),
    ttftMs: null,
    latencyMs: performance.now() - started,
    usage: null,
  };
}

/** POST /v1/images/generations: the first image as something an <img> can show (a data: or https: URL). */
export async function runImage(options: {
  key: string;
  model: string;
  prompt: string;
  size: string;
  signal?: AbortSignal;
}): Promise<{ image: string | null; stats: RunStats }> {
  const started = performance.now();
  const response = await fetch('/v1/images/generations', {
    method: 'POST',
    headers: bearer(options.key),
    body: JSON.stringify({
      model: options.model,
      prompt: options.prompt,
      n: 1,
      size: options.size,
      // DALL·E answers a URL by default, which expires; gpt-image models always answer base64 (and
      // refuse the field).
      ...(/^dall-e/i.test(options.model) ? { response_format: 'b64_json' } : {}),
    }),
    signal: options.signal,
  });
  if (!response.ok) throw await relayError(response);
  const body = (await response.json()) as { data?: { b64_json?: string; url?: string }[] };
  const first = body.data?.[0];
  const image = first?.b64_json ? `data:image/png;base64,${first.b64_json}` : (first?.url ?? null);
  return { image, stats: statsOf(response, started) };
}

/** POST /v1/audio/speech: the audio as an object URL for an <audio> player (revoke it when replaced). */
export async function runSpeech(options: {
  key: string;
  model: string;
  input: string;
  voice: string;
  signal?: AbortSignal;
}): Promise<{ audioUrl: string; stats: RunStats }> {
  const started = performance.now();
  const response = await fetch('/v1/audio/speech', {
    method: 'POST',
    headers: bearer(options.key),
    body: JSON.stringify({ model: options.model, input: options.input, voice: options.voice }),
    signal: options.signal,
  });
  if (!response.ok) throw await relayError(response);
  const audio = await response.blob();
  return { audioUrl: URL.createObjectURL(audio), stats: statsOf(response, started) };
}

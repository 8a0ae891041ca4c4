// Sends one small request upstream with a hard deadline and reads at most a bounded body.
import { request } from 'undici';
import type { UpstreamRequest } from './probe-request';

/** A probe never waits longer than this, whatever the channel's timeout. */
export const PROBE_TIMEOUT_CAP_MS = 30_000;
const MAX_BODY_BYTES = 64 * 1024;

export type UpstreamOutcome =
  | { kind: 'response'; status: number; body: string; latencyMs: number }
  | { kind: 'failure'; reason: 'timeout' | 'network'; detail: string; latencyMs: number };

function failureOf(error: unknown, timeoutMs: number): { reason: 'timeout' | 'network'; detail: string } {
  const err = error as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const code = err?.code ?? err?.cause?.code;
  // Compared by name/code, not instanceof: errors may come from another realm (Jest, fetch).
  const timedOut =
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    err?.name === 'TimeoutError' ||
    err?.name === 'AbortError' ||
    code === 'UND_ERR_ABORTED';
  if (timedOut) return { reason: 'timeout', detail: `no answer within ${timeoutMs} ms` };
  const message = err?.cause?.message ?? err?.message ?? 'request failed';
  return { reason: 'network', detail: code ? `${code}: ${message}` : message };
}

async function readBounded(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_BODY_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

export async function sendUpstreamRequest(req: UpstreamRequest, timeoutMs: number): Promise<UpstreamOutcome> {
  const timeout = Math.max(1, Math.min(timeoutMs, PROBE_TIMEOUT_CAP_MS));
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      // The whole exchange, connecting included, ends by the deadline.
      signal: AbortSignal.timeout(timeout),
    });
    const body = await readBounded(res.body);
    return { kind: 'response', status: res.statusCode, body, latencyMs: elapsed() };
  } catch (error) {
    return { kind: 'failure', ...failureOf(error, timeout), latencyMs: elapsed() };
  }
}

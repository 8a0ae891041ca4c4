// Sends one small request upstream with a hard deadline and reads at most a bounded body.
import { request } from '@gateway/common/undici';
import { classifyUpstreamFailure, readBoundedBody, type HttpHeaders } from '@gateway/providers';
import type { UpstreamRequest } from './probe-request';

/** A probe never waits longer than this, whatever the channel's timeout. */
export const PROBE_TIMEOUT_CAP_MS = 30_000;
const MAX_BODY_BYTES = 64 * 1024;

export type UpstreamOutcome =
  | { kind: 'response'; status: number; headers: HttpHeaders; body: string; latencyMs: number }
  | { kind: 'failure'; reason: 'timeout' | 'network'; detail: string; latencyMs: number };

function failureOf(error: unknown, timeoutMs: number): { reason: 'timeout' | 'network'; detail: string } {
  const failed = classifyUpstreamFailure(error);
  if (failed.cause === 'timeout') return { reason: 'timeout', detail: `no answer within ${timeoutMs} ms` };
  return { reason: 'network', detail: failed.code ? `${failed.code}: ${failed.message}` : failed.message };
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
    const body = await readBoundedBody(res.body, MAX_BODY_BYTES);
    if (body.kind === 'failed')
      return { kind: 'failure', ...failureOf(body.error, timeout), latencyMs: elapsed() };
    return {
      kind: 'response',
      status: res.statusCode,
      headers: res.headers,
      body: body.text,
      latencyMs: elapsed(),
    };
  } catch (error) {
    return { kind: 'failure', ...failureOf(error, timeout), latencyMs: elapsed() };
  }
}

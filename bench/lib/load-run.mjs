// A closed-loop load run: `concurrency` workers each send the next request as soon as the previous one
// ends, for a warm-up (discarded: connections, JIT, the gateway's caches) and then a measured window.
// Throughput = requests started in the window / its length (in a closed loop starts and completions
// run at the same rate, so this has no edge bias); latencies are those of the successful ones. The
// pool holds one connection per client, so 1,000 clients are 1,000 sockets.
import { createRequire } from 'node:module';
import { chatRequest } from './chat-request.mjs';
import { summarize } from './latency-stats.mjs';

const require = createRequire(import.meta.url);
const { Pool } = require('undici');

/**
 * @param {{
 *   origin: string, path: string, body: string, stream: boolean, headers: Record<string, string>[],
 *   concurrency: number, warmupMs: number, durationMs: number, timeoutMs: number,
 *   signal: AbortSignal,
 * }} run
 */
export async function loadRun(run) {
  const pool = new Pool(run.origin, {
    connections: run.concurrency,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: run.timeoutMs,
    bodyTimeout: run.timeoutMs,
  });
  const latencies = [];
  const ttfbs = [];
  /** @type {Map<string, { count: number, sample: string }>} */
  const errors = new Map();
  let measured = 0;
  let sent = 0;

  const begin = performance.now();
  const measureStart = begin + run.warmupMs;
  const measureEnd = measureStart + run.durationMs;

  const worker = async () => {
    while (!run.signal.aborted) {
      const now = performance.now();
      if (now >= measureEnd) return;
      const counted = now >= measureStart;
      const outcome = await chatRequest(pool, {
        path: run.path,
        headers: run.headers[sent++ % run.headers.length],
        body: run.body,
        stream: run.stream,
        signal: run.signal,
      });
      if (!counted || run.signal.aborted) continue;
      measured++;
      if (outcome.ok) {
        latencies.push(outcome.latencyMs);
        if (outcome.ttfbMs !== null) ttfbs.push(outcome.ttfbMs);
      } else {
        const seen = errors.get(outcome.kind) ?? { count: 0, sample: outcome.detail };
        seen.count++;
        errors.set(outcome.kind, seen);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: run.concurrency }, worker));
  } finally {
    await pool.destroy();
  }
  const errorCount = [...errors.values()].reduce((sum, e) => sum + e.count, 0);
  return {
    requests: measured,
    /** Every request of the run, warm-up included; all of them had ended when it returned. */
    sent,
    requestsPerSecond: Math.round((latencies.length / run.durationMs) * 1000 * 10) / 10,
    latencyMs: summarize(latencies),
    ttfbMs: run.stream ? summarize(ttfbs) : null,
    errors: errorCount,
    errorKinds: Object.fromEntries(errors),
  };
}

/**
 * One request before a run: a target that fails it (Portkey's streams on Node 20) is reported as failed
 * with the reason rather than hammered with a closed loop of instant failures.
 * @param {{ origin: string, path: string, body: string, stream: boolean, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal }} req
 * @returns {Promise<import('./chat-request.mjs').Outcome>}
 */
export async function probeOnce(req) {
  const pool = new Pool(req.origin, {
    connections: 1,
    headersTimeout: req.timeoutMs,
    bodyTimeout: req.timeoutMs,
  });
  try {
    return await chatRequest(pool, req);
  } finally {
    await pool.destroy();
  }
}

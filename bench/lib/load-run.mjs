// A closed-loop load run: `concurrency` workers each send the next request as soon as the previous one
// ends, for a warm-up (discarded: connections, JIT, the gateway's caches) and then a measured window.
// Throughput = requests started in the window / its length (in a closed loop starts and completions
// run at the same rate, so this has no edge bias); latencies are those of the successful ones.
import { createRequire } from 'node:module';
import { chatRequest } from './chat-request.mjs';
import { summarize } from './latency-stats.mjs';

const require = createRequire(import.meta.url);
const { Pool } = require('undici');

/**
 * @param {{
 *   origin: string, path: string, body: string, stream: boolean, bearers: string[],
 *   concurrency: number, warmupMs: number, durationMs: number, timeoutMs: number,
 *   signal: AbortSignal, atWindowStart?: () => Promise<unknown>, atWindowEnd?: () => Promise<unknown>,
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
  const headers = run.bearers.map((bearer) => ({
    'content-type': 'application/json',
    authorization: `Bearer ${bearer}`,
  }));
  const latencies = [];
  const ttfbs = [];
  /** @type {Map<string, { count: number, sample: string }>} */
  const errors = new Map();
  let measured = 0;
  let sent = 0;

  const begin = performance.now();
  const measureStart = begin + run.warmupMs;
  const measureEnd = measureStart + run.durationMs;
  // Hooks (CPU samples) at the window's edges, on timers so they mark the edges, not the next request.
  const timers = [];
  const edge = (ms, hook) => new Promise((resolve) => timers.push(setTimeout(() => resolve(hook?.()), ms)));
  const edges = Promise.all([
    edge(run.warmupMs, run.atWindowStart),
    edge(run.warmupMs + run.durationMs, run.atWindowEnd),
  ]);

  const worker = async () => {
    while (!run.signal.aborted) {
      const now = performance.now();
      if (now >= measureEnd) return;
      const counted = now >= measureStart;
      const outcome = await chatRequest(pool, {
        path: run.path,
        headers: headers[sent++ % headers.length],
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
    if (!run.signal.aborted) await edges;
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await pool.destroy();
  }
  const errorCount = [...errors.values()].reduce((sum, e) => sum + e.count, 0);
  return {
    requests: measured,
    requestsPerSecond: Math.round((latencies.length / run.durationMs) * 1000 * 10) / 10,
    latencyMs: summarize(latencies),
    ttfbMs: run.stream ? summarize(ttfbs) : null,
    errors: errorCount,
    errorKinds: Object.fromEntries(errors),
  };
}

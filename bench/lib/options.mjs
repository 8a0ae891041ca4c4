// What one benchmark run does: timings (overridable from the environment, so a quick smoke run and a
// longer, steadier run use the same code), the targets, and the scenarios, each measured on every target.

/** @param {string} name @param {number} fallback @param {number} min @param {number} max */
function numberFromEnv(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

/**
 * @typedef {object} Scenario
 * @property {string} id          stable id used in latest.json
 * @property {string} title       what a reader sees in the table
 * @property {string} model       the model name served by this scenario's channel
 * @property {string} behaviour   the mock's behaviour options, carried in the channel keys
 * @property {boolean} stream
 * @property {number} concurrency requests in flight at all times (closed loop)
 * @property {number} [minWarmupS]  at least this warm-up, whatever BENCH_WARMUP / BENCH_QUICK say
 * @property {number} [minDurationS] at least this measured window
 * @property {number} [tableChannels] channels added to the gateway for this scenario only (seed-gateway.mjs)
 */

/** Mock behaviours, one channel (and model) each; the gateway forwards the key, so the mock obeys it. */
export const BEHAVIOURS = {
  fast: { model: 'bench-fast', behaviour: 'latency=0;tokens=16' },
  slow: { model: 'bench-slow', behaviour: 'latency=50;tokens=16' },
  stream: { model: 'bench-stream', behaviour: 'tokens=20;chunkDelay=5' },
  // 21 chunks, 50 ms apart: the last one 1 s after the first.
  longStream: { model: 'bench-stream-1s', behaviour: 'tokens=21;chunkDelay=50' },
  // A channel with a large pool of keys (free tiers, resellers' multi-key channels): what a request
  // costs must not grow with the pool.
  pool: { model: 'bench-pool', behaviour: 'latency=0;tokens=16', keys: 100 },
};

/**
 * What each scenario can be measured on: the mock alone, this gateway, Portkey's open-source gateway,
 * and the floor (a minimal Node relay, bench/lib/floor-relay.mjs: what any Node gateway starts from
 * on this machine). The floor runs only when BENCH_TARGETS names it.
 */
export const TARGETS = ['direct', 'gateway', 'portkey', 'floor'];
const DEFAULT_TARGETS = ['direct', 'gateway', 'portkey'];

/** @returns {Scenario[]} */
function scenarios() {
  const { fast, slow, stream, longStream, pool } = BEHAVIOURS;
  return [
    // One client: the gateway's own added latency, without any queueing behind other requests.
    { id: 'chat-latency0-c1', title: 'chat, mock latency 0', ...fast, stream: false, concurrency: 1 },
    { id: 'chat-latency0-c32', title: 'chat, mock latency 0', ...fast, stream: false, concurrency: 32 },
    { id: 'chat-latency0-c128', title: 'chat, mock latency 0', ...fast, stream: false, concurrency: 128 },
    // The same requests on a channel of 100 keys: to be read against the row above it at c=32.
    {
      id: 'chat-pool100-c32',
      title: 'chat, 100-key channel, latency 0',
      model: pool.model,
      behaviour: pool.behaviour,
      stream: false,
      concurrency: 32,
    },
    // The same requests with 300 more channels in the table (50 models each, none of them asked for):
    // a deployment's many channels must not make each request dearer. To be read against c=32 above.
    {
      id: 'chat-table300-c32',
      title: 'chat, 300 more channels, latency 0',
      ...fast,
      stream: false,
      concurrency: 32,
      tableChannels: 300,
    },
    { id: 'chat-latency50-c32', title: 'chat, mock latency 50 ms', ...slow, stream: false, concurrency: 32 },
    // The realistic upstream: with a 50 ms upstream the gateway's cost should vanish.
    { id: 'chat-latency50-c64', title: 'chat, mock latency 50 ms', ...slow, stream: false, concurrency: 64 },
    {
      id: 'stream-20x5ms-c32',
      title: 'stream, 20 chunks × 5 ms',
      ...stream,
      stream: true,
      concurrency: 32,
    },
    // Many long-lived streams: memory and time to first byte while 1,000 connections each way stay open.
    {
      id: 'stream-1s-c1000',
      title: 'stream, 1 s (21 chunks × 50 ms)',
      ...longStream,
      stream: true,
      concurrency: 1000,
      // 1,000 connections open in waves, and each stream takes a second: shorter windows hold no full one.
      minWarmupS: 3,
      minDurationS: 5,
    },
  ];
}

/** BENCH_SCENARIOS=id,id runs only those (ids as in latest.json). */
function chosenScenarios() {
  const all = scenarios();
  const wanted = (process.env.BENCH_SCENARIOS ?? '').split(',').filter((id) => id.trim() !== '');
  if (wanted.length === 0) return all;
  const unknown = wanted.filter((id) => !all.some((s) => s.id === id.trim()));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_SCENARIOS: unknown ${unknown.join(', ')}; known: ${all.map((s) => s.id).join(', ')}`,
    );
  }
  return all.filter((s) => wanted.some((id) => id.trim() === s.id));
}

/** BENCH_TARGETS=direct,portkey measures only those (direct is always measured: the ratios need it). */
function chosenTargets() {
  const wanted = (process.env.BENCH_TARGETS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (wanted.length === 0) return DEFAULT_TARGETS;
  const unknown = wanted.filter((name) => !TARGETS.includes(name));
  if (unknown.length > 0) {
    throw new Error(`BENCH_TARGETS: unknown ${unknown.join(', ')}; known: ${TARGETS.join(', ')}`);
  }
  return TARGETS.filter((name) => name === 'direct' || wanted.includes(name));
}

export function loadOptions() {
  // BENCH_QUICK=1: shorter windows for a smoke run; explicit BENCH_WARMUP / BENCH_DURATION still win.
  const quick = process.env.BENCH_QUICK === '1';
  return {
    quick,
    warmupMs: numberFromEnv('BENCH_WARMUP', quick ? 1 : 2, 0, 60) * 1000,
    durationMs: numberFromEnv('BENCH_DURATION', quick ? 2 : 6, 1, 600) * 1000,
    /** Per-request ceiling: a request slower than this counts as an error. */
    requestTimeoutMs: 30_000,
    /**
     * Keys per channel (but the 100-key pool's): the gateway spreads load over them, the direct run
     * rotates through the same ones.
     */
    keysPerChannel: 4,
    scenarios: chosenScenarios(),
    targets: chosenTargets(),
    /** BENCH_REPORT=path: also write the Markdown report there (e.g. bench/results/sample-<date>.md). */
    reportPath: process.env.BENCH_REPORT || null,
    /** BENCH_PROFILE=1: the gateway writes a V8 CPU profile (open it in Chrome DevTools) when it stops. */
    profileDir: process.env.BENCH_PROFILE === '1' ? 'bench/results/profiles' : null,
    /** How long to wait at a window's end for the gateway to finish what the window's requests started. */
    settleTimeoutMs: 15_000,
    /**
     * BENCH_IDLE_SETTLE: seconds to keep reading the idle gateway's RSS after the 2 s reading, for what
     * it holds once V8 has given back its start-up young generation and garbage (it does after 20-60
     * s idle): the lowest reading is reported. 0 skips it (the default of a quick run).
     */
    idleSettleMs: numberFromEnv('BENCH_IDLE_SETTLE', quick ? 0 : 75, 0, 600) * 1000,
  };
}

// Issue #16's goals, each read off this run's results: the measured value and whether it is met
// (null: the scenario or target did not run, or failed).

/** The gateway's stack per relayed request: api, worker, Redis and the PostgreSQL backends. */
export function stackMsPerRequest(resources) {
  const ms = resources?.cpuMsPerRequest;
  if (!ms) return null;
  const parts = [ms.api, ms.worker, ms.redis, ms.postgres];
  if (parts.some((part) => part === null || part === undefined)) return null;
  return Math.round(parts.reduce((a, b) => a + b, 0) * 1000) / 1000;
}

/** @param {any} report @returns {{ goal: string, measured: string, met: boolean | null }[]} */
export function goalChecks(report) {
  const scenario = (id) => report.scenarios.find((s) => s.id === id);
  const result = (id, target) => {
    const r = scenario(id)?.[target];
    return r && !r.failed ? r : null;
  };
  const ratio = (id) => scenario(id)?.ratios?.gateway ?? null;
  /** @param {number | null | undefined} value */
  const check = (goal, value, unit, ok) => ({
    goal,
    measured:
      value === null || value === undefined || Number.isNaN(value) ? 'not measured' : `${value}${unit}`,
    met: value === null || value === undefined || Number.isNaN(value) ? null : ok(value),
  });

  const c64 = result('chat-latency50-c64', 'gateway');
  const c64Api = c64?.resources?.cpuMsPerRequest?.api ?? null;
  const c64Portkey = result('chat-latency50-c64', 'portkey')?.resources?.cpuMsPerRequest?.portkey ?? null;
  const streams = result('stream-1s-c1000', 'gateway');
  return [
    check('added p50, non-stream, c=1: ≤ 1 ms', ratio('chat-latency0-c1')?.addedP50Ms, ' ms', (v) => v <= 1),
    check('added p99, non-stream, c=1: ≤ 3 ms', ratio('chat-latency0-c1')?.addedP99Ms, ' ms', (v) => v <= 3),
    check(
      'added stream TTFB p50, c=32: ≤ 2 ms',
      ratio('stream-20x5ms-c32')?.addedTtfbP50Ms,
      ' ms',
      (v) => v <= 2,
    ),
    check('api CPU per request, 50 ms upstream, c=64: ≤ 0.5 ms', c64Api, ' ms', (v) => v <= 0.5),
    check(
      'api CPU per request, c=64: < half of Portkey’s',
      c64Api !== null && c64Portkey ? Math.round((c64Api / c64Portkey) * 100) / 100 : null,
      ' × Portkey’s',
      (v) => v < 0.5,
    ),
    check(
      'api + worker + Redis + PostgreSQL CPU per request, c=64: ≤ 1.5 ms',
      stackMsPerRequest(c64?.resources),
      ' ms',
      (v) => v <= 1.5,
    ),
    check(
      'Redis commands per request (api and worker together), c=64: ≤ 12',
      c64?.resources?.redisCommandsPerRequest,
      '',
      (v) => v <= 12,
    ),
    check(
      '50 ms upstream, c=64: throughput ≥ 0.9 × direct',
      ratio('chat-latency50-c64')?.throughput,
      ' × direct',
      (v) => v >= 0.9,
    ),
    check('1,000 streams: 0 errors', streams?.errors, '', (v) => v === 0),
    check(
      '1,000 streams: streams/s ≥ 0.9 × direct',
      ratio('stream-1s-c1000')?.throughput,
      ' × direct',
      (v) => v >= 0.9,
    ),
    check(
      '1,000 streams: added TTFB p99 ≤ 50 ms',
      ratio('stream-1s-c1000')?.addedTtfbP99Ms,
      ' ms',
      (v) => v <= 50,
    ),
    check('1,000 streams: api peak RSS ≤ 256 MB', streams?.peakRssMb?.api, ' MB', (v) => v <= 256),
    check('idle RSS of api + worker: ≤ 200 MB', report.idleRssMb?.total, ' MB', (v) => v <= 200),
    check(
      'same, once settled (V8 gave back its start-up memory): ≤ 200 MB',
      report.idleSettledRssMb?.total,
      ' MB',
      (v) => v <= 200,
    ),
  ];
}

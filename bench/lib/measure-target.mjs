// One scenario on one target: a probe request, then the closed-loop run with peak RSS sampled throughout.
// CPU is counted from just before the run's first request until its processes went quiet after the last
// (responses done, the worker's usage records written) and divided by every request of the run, warm-up
// included: no work is cut off at an edge or counted for requests outside the count. The probe, before
// it, pays one-time costs (a first request's lazy loading).
import { loadRun, probeOnce } from './load-run.mjs';
import { ResourceMeter } from './resource-meter.mjs';
import { PeakRss } from './rss-sampler.mjs';

/**
 * @typedef {object} Target
 * @property {string} name                         direct, gateway or portkey
 * @property {string} origin
 * @property {(model: string) => Record<string, string>[]} headersFor  rotated over a run's requests
 * @property {import('./child-processes.mjs').ChildProcess[]} processes what serves it (mock for direct)
 * @property {Record<string, number>} rssPids      processes whose peak RSS the report shows, by name
 * @property {string[]} settleNames                METERED names that finish a window's work after it
 */

/**
 * @param {{ scenario: import('./options.mjs').Scenario, body: string, target: Target,
 *   meter: ResourceMeter, options: ReturnType<typeof import('./options.mjs').loadOptions>, signal: AbortSignal }} run
 * @returns {Promise<object>} the load run's result with `resources` and `peakRssMb`, or `{ failed: reason }`
 */
export async function measureTarget({ scenario, body, target, meter, options, signal }) {
  const headers = target.headersFor(scenario.model);
  const request = { origin: target.origin, path: '/v1/chat/completions', body, stream: scenario.stream };
  const probe = await probeOnce({
    ...request,
    headers: headers[0],
    timeoutMs: options.requestTimeoutMs,
    signal,
  });
  if (!probe.ok) return { failed: `${probe.kind}: ${probe.detail}` };

  const rss = new PeakRss(target.rssPids);
  const before = await meter.sample();
  let result;
  let peakRssMb;
  try {
    result = await loadRun({
      ...request,
      headers,
      concurrency: scenario.concurrency,
      warmupMs: Math.max(options.warmupMs, (scenario.minWarmupS ?? 0) * 1000),
      durationMs: Math.max(options.durationMs, (scenario.minDurationS ?? 0) * 1000),
      timeoutMs: options.requestTimeoutMs,
      signal,
    });
    await meter.settle(target.settleNames, options.settleTimeoutMs);
  } finally {
    peakRssMb = rss.stop();
  }
  const after = await meter.sample();
  return { ...result, resources: ResourceMeter.between(before, after, result.sent), peakRssMb };
}

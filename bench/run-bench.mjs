#!/usr/bin/env node
// `npm run bench`: the gateway's overhead under load. Starts a scratch database and Redis prefix, the
// mock upstream and the gateway api as processes from dist/, seeds the gateway through /api, then runs
// each scenario directly against the mock and through the gateway, and writes bench/results/latest.{json,md}.
// Progress goes to stderr; the Markdown report to stdout. Everything it started is stopped on every path.
import { setMaxListeners } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingBuild, newerSource, startGateway, startMock } from './lib/bench-stack.mjs';
import { stopAllChildren } from './lib/child-processes.mjs';
import { ResourceMeter } from './lib/resource-meter.mjs';
import { loadRun } from './lib/load-run.mjs';
import { loadOptions } from './lib/options.mjs';
import { codeVersion, machineInfo, markdown, ratios } from './lib/report.mjs';
import { createScratchStores } from './lib/scratch-stores.mjs';
import { seedGateway } from './lib/seed-gateway.mjs';

// dist/ paths and results are relative to the repository, wherever this is started from.
process.chdir(fileURLToPath(new URL('..', import.meta.url)));
const log = (line) => process.stderr.write(`bench: ${line}\n`);
const elapsed = (
  (t0) => () =>
    `${((performance.now() - t0) / 1000).toFixed(1)} s`
)(performance.now());

const missing = missingBuild();
if (missing !== null) {
  console.error(missing);
  process.exit(1);
}

const newer = newerSource();
if (newer !== null)
  log(`warning: ${newer} is newer than dist/; \`npm run build:server\` to measure current code`);

const abort = new AbortController();
// Every in-flight request listens on this one signal.
setMaxListeners(0, abort.signal);
/** Cleanup steps, run last-registered first. */
const cleanups = [];
let cleaning = null;
const cleanup = () =>
  (cleaning ??= (async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        log(`cleanup: ${error.message}`);
      }
    }
  })());
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping and cleaning up`);
    abort.abort();
    void cleanup().finally(() => process.exit(130));
  });
}
const checkNotAborted = () => {
  if (abort.signal.aborted) throw new Error('interrupted');
};

/** The request body of a scenario: what a typical SDK call with a small prompt sends. */
function chatBody(scenario) {
  return JSON.stringify({
    model: scenario.model,
    messages: [
      { role: 'system', content: 'You are a concise assistant.' },
      { role: 'user', content: 'Say hello in five words.' },
    ],
    max_tokens: 64,
    ...(scenario.stream ? { stream: true } : {}),
  });
}

async function main() {
  const options = loadOptions();
  const machine = machineInfo();
  const creating = createScratchStores();
  cleanups.push(async () => (await creating.catch(() => null))?.drop());
  const stores = await creating;
  log(`scratch database and Redis prefix ${stores.redisPrefix}`);
  checkNotAborted();

  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-bench-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  // Also stops a process that is still starting when the run is interrupted.
  cleanups.push(() => stopAllChildren());
  const mock = await startMock();
  checkNotAborted();
  const gateway = await startGateway(stores, dataDir, options.profileDir);
  log(`mock at ${mock.url}, gateway at ${gateway.url} (ready after ${elapsed()})`);
  checkNotAborted();

  const seeded = await seedGateway(gateway.url, gateway.admin, mock.url, options.keysPerChannel);
  const meter = new ResourceMeter({
    mockPid: mock.process.pid,
    gatewayPid: gateway.process.pid,
    redisUrl: stores.redisUrl,
  });
  cleanups.push(() => meter.close());

  const report = {
    date: new Date().toISOString(),
    code: codeVersion(),
    machine,
    settings: {
      warmupS: options.warmupMs / 1000,
      durationS: options.durationMs / 1000,
      requestTimeoutS: options.requestTimeoutMs / 1000,
      keysPerChannel: options.keysPerChannel,
      gatewayEnv: { NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    },
    scenarios: [],
    problems: [],
    gatewayLogTail: [],
  };

  for (const scenario of options.scenarios) {
    const body = chatBody(scenario);
    const targets = {
      direct: { origin: mock.url, bearers: seeded.keysByModel[scenario.model] },
      gateway: { origin: gateway.url, bearers: [seeded.token] },
    };
    const entry = {
      id: scenario.id,
      title: scenario.title,
      model: scenario.model,
      mockBehaviour: scenario.behaviour,
      stream: scenario.stream,
      concurrency: scenario.concurrency,
    };
    report.scenarios.push(entry);
    for (const [target, { origin, bearers }] of Object.entries(targets)) {
      checkNotAborted();
      const samples = [];
      const result = await loadRun({
        origin,
        path: '/v1/chat/completions',
        body,
        stream: scenario.stream,
        bearers,
        concurrency: scenario.concurrency,
        warmupMs: options.warmupMs,
        durationMs: options.durationMs,
        timeoutMs: options.requestTimeoutMs,
        signal: abort.signal,
        atWindowStart: async () => samples.push(await meter.sample()),
        atWindowEnd: async () => samples.push(await meter.sample()),
      });
      checkNotAborted();
      entry[target] = {
        ...result,
        resources:
          samples.length === 2 ? ResourceMeter.between(samples[0], samples[1], result.requests) : null,
      };
      log(
        `${scenario.title}, c=${scenario.concurrency}, ${target}: ${result.requestsPerSecond} req/s, ` +
          `p50 ${result.latencyMs?.p50 ?? '–'} ms, p99 ${result.latencyMs?.p99 ?? '–'} ms, ${result.errors} errors (${elapsed()})`,
      );
      for (const child of [mock.process, gateway.process]) {
        if (child.exit !== null)
          throw new Error(`${child.name} exited during the run${child.describeTail()}`);
      }
    }
    entry.ratio = ratios(entry.direct, entry.gateway);
  }

  const errors = report.scenarios.reduce((sum, s) => sum + s.direct.errors + s.gateway.errors, 0);
  if (errors > 0) report.gatewayLogTail = gateway.process.tail.slice(-15);
  report.totalErrors = errors;
  report.wallSeconds = Math.round(performance.now() / 100) / 10;
  const text = markdown(report);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/latest.json', `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync('bench/results/latest.md', text);
  process.stdout.write(text);
  log(`wrote bench/results/latest.json and latest.md (${elapsed()})`);
  if (errors > 0) {
    log(`${errors} requests failed; a healthy run has none (see "Errors" above)`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  if (!abort.signal.aborted) {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
} finally {
  await cleanup();
}

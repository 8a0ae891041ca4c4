#!/usr/bin/env node
// `npm run bench`: the gateway's overhead under load, side by side with Portkey's open-source gateway.
// Starts a private Redis (or uses REDIS_URL's), a scratch database and Redis prefix, the mock upstream,
// the gateway's api and worker from dist/ and Portkey's gateway, seeds the gateway through /api, then
// runs each scenario directly against the mock, through the gateway and through Portkey, and writes
// bench/results/latest.{json,md} (and BENCH_REPORT's path). Progress goes to stderr; the Markdown
// report to stdout. Everything it started is stopped on every path.
import { setMaxListeners } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingBuild, newerSource, startFloor, startGateway, startMock } from './lib/bench-stack.mjs';
import { stopAllChildren } from './lib/child-processes.mjs';
import { goalChecks } from './lib/goals.mjs';
import { measureTarget } from './lib/measure-target.mjs';
import { loadOptions } from './lib/options.mjs';
import { startPortkey } from './lib/portkey.mjs';
import { findRedisServer, startPrivateRedis } from './lib/private-redis.mjs';
import { codeVersion, machineInfo, markdown, ratios } from './lib/report.mjs';
import { ResourceMeter } from './lib/resource-meter.mjs';
import { rssMb } from './lib/rss-sampler.mjs';
import { createScratchStores } from './lib/scratch-stores.mjs';
import { mockKeysByModel, seedGateway } from './lib/seed-gateway.mjs';
import { directTarget, floorTarget, gatewayTarget, portkeyTarget } from './lib/targets.mjs';

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

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const isLoopback = (url) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

async function main() {
  const options = loadOptions();
  const machine = machineInfo();
  const maxConcurrency = Math.max(...options.scenarios.map((s) => s.concurrency));
  // Per client: its socket here, the gateway's two, the mock's; plus what the processes hold anyway.
  if (machine.openFilesLimit !== null && machine.openFilesLimit < maxConcurrency * 4 + 1000) {
    log(
      `warning: the open-files limit is ${machine.openFilesLimit}; raise it (\`ulimit -n 20000\`) for c=${maxConcurrency}`,
    );
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-bench-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  // Registered before anything starts, so a run interrupted while a process starts up stops it too.
  // Cleanups run last-registered first: the processes stop before their database is dropped.
  const creating = { stores: null };
  cleanups.push(async () => (await creating.stores?.catch(() => null))?.drop());
  cleanups.push(() => stopAllChildren());

  const redisServer = process.env.REDIS_URL ? null : findRedisServer();
  const privateRedis = redisServer === null ? null : await startPrivateRedis(redisServer, dataDir);
  const redisUrl = privateRedis?.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  creating.stores = createScratchStores(redisUrl, { keysDieWithRedis: privateRedis !== null });
  const stores = await creating.stores;
  log(
    `scratch database ${stores.databaseName}, ${privateRedis ? `private Redis at ${redisUrl}` : `Redis ${redisUrl}`}`,
  );
  checkNotAborted();

  const mock = await startMock();
  checkNotAborted();
  const keysByModel = mockKeysByModel(options.keysPerChannel);
  const report = {
    date: new Date().toISOString(),
    code: codeVersion(),
    machine,
    settings: {
      warmupS: options.warmupMs / 1000,
      durationS: options.durationMs / 1000,
      requestTimeoutS: options.requestTimeoutMs / 1000,
      keysPerChannel: options.keysPerChannel,
      targets: options.targets,
      redis: privateRedis ? 'private redis-server' : redisUrl,
      gatewayEnv: { NODE_ENV: 'production', LOG_LEVEL: 'warn' },
    },
    portkeyVersion: null,
    idleRssMb: null,
    idleSettledRssMb: null,
    scenarios: [],
    problems: [],
    gatewayLogTail: [],
  };

  /** @type {Record<string, import('./lib/measure-target.mjs').Target>} */
  const targets = { direct: directTarget(mock, keysByModel) };
  let gateway = null;
  let seeded = null;
  if (options.targets.includes('gateway')) {
    gateway = await startGateway(stores, dataDir, options.profileDir);
    checkNotAborted();
    seeded = await seedGateway(gateway.url, gateway.admin, mock.url, keysByModel);
    targets.gateway = gatewayTarget(gateway, seeded.token);
  }
  let portkey = null;
  if (options.targets.includes('portkey')) {
    try {
      portkey = await startPortkey();
      report.portkeyVersion = portkey.version;
      targets.portkey = portkeyTarget(portkey, mock.url, keysByModel);
    } catch (error) {
      report.problems.push(`Portkey did not start: ${error.message}`);
    }
  }
  let floor = null;
  if (options.targets.includes('floor')) {
    floor = await startFloor(mock.url, options.profileDir);
    targets.floor = floorTarget(floor, keysByModel);
  }
  checkNotAborted();
  log(
    `mock at ${mock.url}${gateway ? `, gateway at ${gateway.url}` : ''}${portkey ? `, Portkey ${portkey.version} at ${portkey.url}` : ''}${floor ? `, floor at ${floor.url}` : ''} (ready after ${elapsed()})`,
  );

  if (gateway) {
    // Idle: seeded, nothing relayed yet, the worker's start-up jobs done.
    await pause(2000);
    const api = rssMb(gateway.api.pid);
    const worker = rssMb(gateway.worker.pid);
    report.idleRssMb = {
      api,
      worker,
      total: api !== null && worker !== null ? Math.round((api + worker) * 10) / 10 : null,
    };
    if (options.idleSettleMs > 0) {
      report.idleSettledRssMb = await settledIdleRss(gateway, options.idleSettleMs);
      const settled = report.idleSettledRssMb;
      log(`idle RSS: ${report.idleRssMb.total} MB at 2 s, ${settled?.total} MB after ${settled?.afterS} s`);
    }
    // The 100-key channel, then a moment for its inserts and snapshot reloads to be over.
    await seeded.addLaterChannels();
    await pause(3000);
  }

  const meter = new ResourceMeter({
    pids: Object.assign({ mock: mock.process.pid }, ...Object.values(targets).map((t) => t.rssPids)),
    redisPid: privateRedis?.process.pid ?? null,
    redisUrl,
    postgresUrl: stores.serverUrl,
    databaseName: isLoopback(stores.serverUrl) ? stores.databaseName : null,
  });
  cleanups.push(() => meter.close());

  for (const scenario of options.scenarios) {
    const body = chatBody(scenario);
    const entry = {
      id: scenario.id,
      title: scenario.title,
      model: scenario.model,
      mockBehaviour: scenario.behaviour,
      stream: scenario.stream,
      concurrency: scenario.concurrency,
      ratios: {},
    };
    report.scenarios.push(entry);
    // A larger table for this scenario alone, then a moment for the snapshot reloads to be over.
    const removeTable =
      gateway && scenario.tableChannels ? await seeded.addTableChannels(scenario.tableChannels) : null;
    if (removeTable) {
      log(`${scenario.id}: added ${scenario.tableChannels} channels (${elapsed()})`);
      await pause(3000);
    }
    for (const name of options.targets) {
      checkNotAborted();
      const target = targets[name];
      if (!target) {
        entry[name] = { failed: 'not started' };
        continue;
      }
      if (target.processes.some((child) => child.exit !== null)) {
        entry[name] = { failed: `${name} exited earlier in the run` };
        continue;
      }
      const linesBefore = target.processes.map((child) => child.lineCount);
      const result = await measureTarget({ scenario, body, target, meter, options, signal: abort.signal });
      checkNotAborted();
      entry[name] = result;
      const stopped = target.processes.find((child) => child.exit !== null);
      if (stopped) {
        if (name !== 'portkey')
          throw new Error(`${stopped.name} exited during the run${stopped.describeTail()}`);
        report.problems.push(`Portkey exited during ${scenario.id}${stopped.describeTail(5)}`);
      }
      if (result.failed && name === 'portkey') {
        // Portkey answers a bare "Something went wrong"; its log says what (once the pipe delivered it).
        await pause(200);
        const cause = portkey.process.linesSince(linesBefore[0]).find((line) => /error/i.test(line));
        if (cause) result.failed += ` (Portkey's log: ${cause.replace(/\s+/g, ' ').trim().slice(0, 160)})`;
      }
      log(
        result.failed
          ? `${scenario.id}, ${name}: failed: ${result.failed} (${elapsed()})`
          : `${scenario.id}, ${name}: ${result.requestsPerSecond} req/s, p50 ${result.latencyMs?.p50 ?? '–'} ms, ` +
              `p99 ${result.latencyMs?.p99 ?? '–'} ms, ${result.errors} errors (${elapsed()})`,
      );
    }
    for (const name of options.targets.filter((name) => name !== 'direct')) {
      entry.ratios[name] = ratios(entry.direct, entry[name]);
    }
    if (removeTable) {
      await removeTable();
      await pause(3000);
    }
  }

  // Portkey's failures are reported, not the run's: a healthy run is one where the mock and the gateway
  // answered every request.
  const ours = report.scenarios.flatMap((s) => [s.direct, s.gateway].filter(Boolean));
  const errors = ours.reduce((sum, r) => sum + (r.failed ? 1 : r.errors), 0);
  if (errors > 0 && gateway) {
    report.gatewayLogTail = [...gateway.api.tail.slice(-10), ...gateway.worker.tail.slice(-5)];
  }
  report.totalErrors = errors;
  report.goals = goalChecks(report);
  report.wallSeconds = Math.round(performance.now() / 100) / 10;
  const text = markdown(report);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/latest.json', `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync('bench/results/latest.md', text);
  const written = ['bench/results/latest.json', 'latest.md'];
  if (options.reportPath !== null) {
    mkdirSync(dirname(options.reportPath), { recursive: true });
    writeFileSync(options.reportPath, text);
    written.push(options.reportPath);
  }
  process.stdout.write(text);
  log(`wrote ${written.join(', ')} (${elapsed()})`);
  if (errors > 0) {
    log(`${errors} requests failed on the mock or the gateway; a healthy run has none (see "Errors" above)`);
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

/**
 * The idle gateway's RSS once V8 has settled: read every second for `forMs` (V8's memory reducer
 * gives the start-up memory back 20-60 s after start); the lowest pair seen, and when.
 */
async function settledIdleRss(gateway, forMs) {
  const startedAt = Date.now();
  let best = null;
  while (Date.now() - startedAt < forMs) {
    await pause(1000);
    const api = rssMb(gateway.api.pid);
    const worker = rssMb(gateway.worker.pid);
    if (api === null || worker === null) return best;
    const total = Math.round((api + worker) * 10) / 10;
    if (best === null || total < best.total) {
      best = { api, worker, total, afterS: Math.round((Date.now() - startedAt) / 1000) + 2 };
    }
  }
  return best;
}

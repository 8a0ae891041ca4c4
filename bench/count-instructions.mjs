// `npm run bench:instructions`: the instructions the api's main thread executes per relayed stream,
// counted by valgrind's callgrind. On a shared machine whose speed moves between runs (the bench's
// CPU per request differed by 20-35 % between identical runs on some), a count of instructions moves
// far less (a few per cent between runs here, at times 10 %, from JIT and GC timing), so a change to
// the relay's work per event can be read off two checkouts' counts where `npm run bench` cannot
// resolve it. It counts work, not time: system calls (the writes), cache misses and waiting are not
// in it.
//
// What a run does: the mock upstream and a scratch database and Redis prefix as `npm run bench` has
// them, the api from dist/ under `valgrind --tool=callgrind --instr-atstart=no` (the worker without),
// seeded like the bench; a warm-up (BENCH_ICOUNT_WARM streams of 20 events 5 ms apart at c=100, then
// BENCH_ICOUNT_SETTLE, 1,000, of the measured stream at c=20) so the relay's code is compiled as
// under load; then callgrind's counting is switched on for BENCH_ICOUNT_N streams of 21 events 50 ms
// apart (the 1,000-stream scenario's) at c=20, and off. The measured stream's model is served by
// another channel than the first warm-up's, whose objects V8 has not seen: the relay's admission,
// routing and settlement were deoptimised as it began and optimised again some hundreds of streams
// later, so after a settling run of 200 the window counted them partly as baseline code and partly
// compiling (a count moved by 5 % from one run to the next). `BENCH_ICOUNT_NODE_FLAGS` adds node
// flags for the counted process (`--no-concurrent-recompilation` puts TurboFan's compiles on the main
// thread, where the count sees them). `BENCH_ICOUNT_TARGET=floor` counts the floor relay instead.
// `BENCH_ICOUNT_PERF_MAP=1` starts the api with --perf-basic-prof, so that the dump's JIT addresses
// can be named from /tmp/perf-<pid>.map; `BENCH_ICOUNT_CALLGRIND_ARGS` adds options of callgrind's
// (`--separate-callers=4` tells a builtin's costs apart by who called it). Needs valgrind (Debian's
// package) and `npm run build:server`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  API_SCRIPT,
  gatewayEnv,
  missingBuild,
  startMock,
  waitFor,
  waitUntilReady,
  WORKER_SCRIPT,
} from './lib/bench-stack.mjs';
import { chatRequest } from './lib/chat-request.mjs';
import { ChildProcess, freePort, stopAllChildren } from './lib/child-processes.mjs';
import { BEHAVIOURS } from './lib/options.mjs';
import { createScratchStores } from './lib/scratch-stores.mjs';
import { mockKeysByModel, seedGateway } from './lib/seed-gateway.mjs';

const { Pool } = createRequire(import.meta.url)('undici');
const FLOOR_SCRIPT = fileURLToPath(new URL('./lib/floor-relay.mjs', import.meta.url));

function count(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

const N = count('BENCH_ICOUNT_N', 100);
const WARM = count('BENCH_ICOUNT_WARM', 5000);
const SETTLE = count('BENCH_ICOUNT_SETTLE', 1000);
const TARGET = process.env.BENCH_ICOUNT_TARGET ?? 'gateway';
const PERF_MAP = process.env.BENCH_ICOUNT_PERF_MAP === '1';
const MEASURED = BEHAVIOURS.longStream.model;
const WARMING = BEHAVIOURS.stream.model;

async function main() {
  const missing = missingBuild();
  if (missing) throw new Error(missing);
  if (!['gateway', 'floor'].includes(TARGET)) throw new Error('BENCH_ICOUNT_TARGET is gateway or floor');
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    throw new Error('valgrind is not installed (apt-get install valgrind)');
  }
  const out = mkdtempSync(join(tmpdir(), 'bench-icount-'));
  // callgrind_control finds the process by a name built from USER and HOST, as valgrind made it.
  const controlEnv = { ...process.env, HOST: '127.0.0.1', USER: process.env.USER ?? 'bench' };
  const valgrind = [
    '--tool=callgrind',
    '--instr-atstart=no',
    '--separate-threads=yes',
    '--smc-check=all-non-file',
    // valgrind runs one thread at a time; by default the main thread keeps the lock for long, and V8's
    // compiler threads finish late (functions still ran as baseline code in the window). Fair
    // scheduling lets them run as a second core would.
    '--fair-sched=yes',
    `--callgrind-out-file=${out}/cg.%p`,
    `--vgdb-prefix=${out}/vgdb`,
    ...(process.env.BENCH_ICOUNT_CALLGRIND_ARGS ?? '').split(' ').filter(Boolean),
    process.execPath,
    ...(process.env.BENCH_ICOUNT_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    // The map names JIT code; V8's log that comes with it goes beside the dump, not into the checkout.
    ...(PERF_MAP ? ['--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${out}/v8.log`] : []),
  ];
  const stores = await createScratchStores(process.env.REDIS_URL || 'redis://127.0.0.1:6379', {
    keysDieWithRedis: false,
  });
  const keys = mockKeysByModel(4);
  const scratch = [];
  try {
    const mock = await startMock();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let counted;
    let bearer = (model) => keys[model][0];
    if (TARGET === 'floor') {
      counted = new ChildProcess(
        'floor',
        'valgrind',
        [...valgrind, FLOOR_SCRIPT, `--port=${port}`, `--upstream=${mock.url}`],
        controlEnv,
      );
      await counted.waitForLine(/floor relay listening/, 300_000);
    } else {
      const dataDir = mkdtempSync(join(tmpdir(), 'bench-icount-data-'));
      scratch.push(dataDir);
      const gateway = gatewayEnv(stores, dataDir, port);
      const { admin } = gateway;
      // HOST is 127.0.0.1 there too. Under callgrind the api runs some 50 times slower: a Redis
      // answer that waits behind its event loop for 2 s (the default timeout) would be a 503.
      const env = { ...gateway.env, USER: controlEnv.USER, REDIS_COMMAND_TIMEOUT_MS: '60000' };
      counted = new ChildProcess('gateway api', 'valgrind', [...valgrind, API_SCRIPT], env);
      await waitUntilReady(counted, `${url}/ready`, 300_000);
      const worker = ChildProcess.node('gateway worker', WORKER_SCRIPT, [], env);
      await waitFor(worker, () => existsSync(gateway.heartbeatFile), 60_000);
      const { token } = await seedGateway(url, admin, mock.url, keys);
      bearer = () => token;
    }
    const pool = new Pool(url, { connections: 200 });
    const loop = async (model, total, concurrency) => {
      const req = {
        path: '/v1/chat/completions',
        headers: { authorization: `Bearer ${bearer(model)}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model,
          messages: [{ role: 'user', content: 'Say hello in five words.' }],
          max_tokens: 64,
          stream: true,
        }),
        stream: true,
      };
      let left = total;
      const failures = [];
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left-- > 0) {
            const outcome = await chatRequest(pool, req);
            if (!outcome.ok) failures.push(outcome);
          }
        }),
      );
      if (failures.length > 0)
        throw new Error(`${failures.length} of ${total} failed: ${JSON.stringify(failures[0])}`);
    };
    const control = (...args) =>
      execFileSync('callgrind_control', [`--vgdb-prefix=${out}/vgdb`, ...args, String(counted.pid)], {
        env: controlEnv,
        stdio: 'ignore',
      });
    const started = Date.now();
    process.stderr.write(`warming up: ${WARM} streams at c=100, then ${SETTLE} at c=20 ...\n`);
    await loop(WARMING, WARM, 100);
    await loop(MEASURED, SETTLE, 20);
    // A short pause for the warm-up's trailing work, shorter than the upstream connections' idle
    // life: the mock's server closes a connection idle for 5 s, undici drops it a little before, and
    // once none is left undici's Agent closes the origin's pool, so the window would count a new pool,
    // its connections and an error object per old connection (seen: 86 in one run, 5-8 % of the count).
    await new Promise((resolve) => setTimeout(resolve, 500));
    process.stderr.write(`counting ${N} streams at c=20 ...\n`);
    control('--instr=on');
    const window = Date.now();
    await loop(MEASURED, N, 20);
    const windowMs = Date.now() - window;
    control('--dump');
    control('--instr=off');
    await pool.close();
    // The dump's first part holds the counting window: one file per thread, the main thread's first.
    const threads = readdirSync(out)
      .filter((file) => /^cg\.\d+\.1-\d+$/.test(file))
      .sort()
      .map((file) =>
        Number(/^(?:summary|totals): (\d+)/m.exec(readFileSync(join(out, file), 'utf8'))?.[1] ?? 0),
      );
    const [main = 0] = threads;
    const all = threads.reduce((sum, value) => sum + value, 0);
    const result = {
      target: TARGET,
      streams: N,
      mainThreadPerStream: Math.round(main / N),
      allThreadsPerStream: Math.round(all / N),
      windowMs,
      minutes: Number(((Date.now() - started) / 60_000).toFixed(1)),
      ...(PERF_MAP ? { dump: out, perfMap: `/tmp/perf-${counted.pid}.map` } : {}),
    };
    console.log(JSON.stringify(result));
    if (!PERF_MAP) scratch.push(out);
  } finally {
    await stopAllChildren();
    await stores.drop();
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench:instructions: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

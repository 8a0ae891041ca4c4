import { spawnSync } from 'node:child_process';
import { V8_YOUNG_GROWTH_FACTOR, YOUNG_GROWTH_FLAG } from './start-up-heap';

// What starting up does to the heap: many small objects that all stay. HOLD=1 imports the module
// first, as the entry points do; after the first batch it calls startedUp() and allocates a second
// batch. Prints the young generation's committed size (MB) after each batch.
const START_UP = `
(async () => {
  if (process.env.HOLD) require(process.env.MODULE);
  const v8 = require('v8');
  const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
  const kept = [];
  const load = () => { for (let i = 0; i < 600000; i++) kept.push({ i, name: 'm' + i }); };
  load();
  const held = young();
  if (process.env.HOLD) await require(process.env.MODULE).startedUp();
  load();
  process.stdout.write(JSON.stringify({ held, after: young() }));
})();
`;

// Start-up garbage: objects promoted and then dropped. Prints the RSS (MB) before and after
// startedUp(); the process must then end by itself (a session left connected would keep it up).
const GARBAGE = `
(async () => {
  const { startedUp } = require(process.env.MODULE);
  let dropped = [];
  for (let i = 0; i < 2000000; i++) dropped.push({ i, name: 'm' + i });
  dropped = null;
  const rss = () => process.memoryUsage().rss / 1048576;
  const before = rss();
  await startedUp();
  process.stdout.write(JSON.stringify({ before, after: rss() }));
})();
`;

// The compilers: a hot function run while starting, and again once started. Prints V8's view of it
// after each (%GetOptimizationStatus: bit 4 optimized, bit 15 Sparkplug's baseline code).
const COMPILERS = `
(async () => {
  const { startedUp } = require(process.env.MODULE);
  const hot = new Function('a', 'let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * 2; return s;');
  const status = new Function('f', 'return %GetOptimizationStatus(f)');
  const values = Array.from({ length: 100 }, (_, i) => i);
  const warm = async () => {
    // Turbofan compiles on a background thread: give it turns to finish (bounded, not timed).
    for (let round = 0; round < 100 && (status(hot) & 16) === 0; round++) {
      for (let k = 0; k < 500; k++) hot(values);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { optimized: (status(hot) & 16) !== 0, baseline: (status(hot) & (1 << 15)) !== 0 };
  };
  const starting = await warm();
  await startedUp();
  const started = await warm();
  process.stdout.write(JSON.stringify({ starting, started }));
})();
`;

function runNode(script: string, env: Record<string, string>, nodeArgs: string[] = []): string {
  const run = spawnSync(process.execPath, [...nodeArgs, '-r', 'esbuild-register', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd: `${__dirname}/../../..`,
    env: { PATH: process.env['PATH'], MODULE: require.resolve('./start-up-heap'), ...env },
  });
  expect(run.stderr).toBe('');
  expect(run.signal).toBeNull();
  return run.stdout;
}

function youngGenerationMb(hold: boolean): { held: number; after: number } {
  return JSON.parse(runNode(START_UP, { HOLD: hold ? '1' : '' })) as { held: number; after: number };
}

describe('start-up heap (imported first by main.ts)', () => {
  it("names a flag this Node's V8 has, and V8's own factor", () => {
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    expect(options).toContain(`  ${YOUNG_GROWTH_FLAG} `);
    expect(options).toContain(`${YOUNG_GROWTH_FLAG}=${V8_YOUNG_GROWTH_FACTOR}`);
  });

  it('keeps the young generation small while starting, and lets it grow again once started', () => {
    const own = youngGenerationMb(false);
    const held = youngGenerationMb(true);
    // Left to itself V8 doubles it to its maximum while everything allocated survives.
    expect(own.held).toBeGreaterThanOrEqual(16);
    expect(held.held).toBeLessThanOrEqual(own.held / 4);
    expect(held.after).toBeGreaterThanOrEqual(own.held / 2);
  });

  it('holds V8 to its interpreter while starting, and compiles hot code again once started', () => {
    const run = JSON.parse(runNode(COMPILERS, {}, ['--allow-natives-syntax'])) as Record<string, object>;
    expect(run).toEqual({
      starting: { optimized: false, baseline: false },
      started: { optimized: true, baseline: expect.any(Boolean) },
    });
  });

  it("leaves an operator's own compiler flags alone", () => {
    const noOpt = JSON.parse(runNode(COMPILERS, {}, ['--allow-natives-syntax', '--no-opt'])) as Record<
      string,
      { optimized: boolean; baseline: boolean }
    >;
    // Not held (Sparkplug compiles while starting) and not turned on (still no Turbofan once started).
    expect(noOpt['starting']).toEqual({ optimized: false, baseline: true });
    expect(noOpt['started']).toEqual({ optimized: false, baseline: true });
  });

  it('returns the start-up garbage to the system, and leaves nothing keeping the process up', () => {
    const { before, after } = JSON.parse(runNode(GARBAGE, {})) as { before: number; after: number };
    // About 150 MB of dropped objects: a plain full collection frees them but keeps most pages.
    expect(before - after).toBeGreaterThan(60);
  });
});

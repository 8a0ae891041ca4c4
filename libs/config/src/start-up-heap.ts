// Imported first by each process's entry point (apps/api/src/main.ts, apps/worker/src/main.ts),
// before anything else loads: importing it holds V8's young generation at its initial size and its
// compilers to the interpreter until startedUp() (issue #16, idle RSS).
//
// While a process loads its ~2,500 modules and builds Nest's and TypeORM's metadata, nearly all it
// allocates survives, and V8 answers a high survival rate by doubling the young generation at each
// scavenge, up to 16 MB a semi-space: some 30 MB more RSS in each process, which stayed until V8's
// memory reducer shrank it 10-20 s after the process went idle (api + worker at 2 s: 297 MB, 238
// with the hold; both ~220 once settled). Held at its initial size, the start-up objects are
// promoted sooner, which is where they were going anyway. startedUp() gives V8 its own growth back,
// so under load the young generation grows as it always did (a small one costs CPU there: about 20 %
// more api CPU at 1,000 streams with a 4 MB semi-space).
//
// The code that runs while a process starts (module bodies, decorators, Nest's scanning, TypeORM's
// metadata) runs once, but loops in it get hot enough for V8 to compile them with Turbofan and
// Sparkplug: compiled code that never runs again, and compiler memory that the background threads'
// malloc arenas keep. Both compilers are held off until startedUp(), which turns them back on, so the
// relay's hot code is compiled as it always was. Api + worker, seeded, 2 s after start (3 pairs,
// alternating, 2-core AMD EPYC): 207.6 / 207.5 / 206.7 MB without the hold, 201.6 / 201.7 / 200.9
// with it. Starting takes the same CPU, but a few tenths of a second longer on 2 cores: that compile
// ran on the second core beside the loading.
import * as v8 from 'node:v8';

/** V8's flag for the young generation's growth at a scavenge (read again at each; not accepted in NODE_OPTIONS). */
export const YOUNG_GROWTH_FLAG = '--semi-space-growth-factor';
/** V8's own factor (`node --v8-options`). */
export const V8_YOUNG_GROWTH_FACTOR = 2;

/**
 * V8's compilers above its interpreter that are on by default, held off while starting. Maglev is
 * off in Node 20's V8: turning it "back" on would change how the process runs, so it is not named.
 */
const START_UP_COMPILERS = ['--turbofan', '--sparkplug'] as const;

/**
 * An operator's own choice about V8's compilers (`node --jitless`, `--no-opt`…, on the command line
 * or in NODE_OPTIONS) is left alone: neither held nor turned on later.
 */
const COMPILER_FLAGS = /(^|\s)--(jitless|no-opt|no-turbofan|no-sparkplug|turbofan|opt|sparkplug|max-opt)\b/;
const holdsCompilers = !COMPILER_FLAGS.test(
  [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].join(' '),
);

v8.setFlagsFromString(`${YOUNG_GROWTH_FLAG}=1`);
if (holdsCompilers) for (const flag of START_UP_COMPILERS) v8.setFlagsFromString(flag.replace('--', '--no-'));

/**
 * The process is up (its app built, about to listen or taking jobs): the young generation may grow
 * again, V8 compiles hot code again, and the start-up garbage is collected now rather than 10-20 s
 * later. Left to V8, what the start-up promoted and dropped, and the pages it freed, stay resident
 * until its memory reducer runs (api + worker 2 s after start: 228 MB, 204-216 once it had run); a
 * plain full collection frees the objects but keeps the pages. V8's low-memory collection returns
 * them, and the inspector protocol's HeapProfiler.collectGarbage is the public way to ask for one
 * (an in-process session, no port): one full collection, once (88 ms for the api's modules on a
 * 2-core machine busy with other work). A Node built without the inspector skips it.
 */
export async function startedUp(): Promise<void> {
  v8.setFlagsFromString(`${YOUNG_GROWTH_FLAG}=${V8_YOUNG_GROWTH_FACTOR}`);
  if (holdsCompilers) for (const flag of START_UP_COMPILERS) v8.setFlagsFromString(flag);
  await collectStartUpGarbage();
}

async function collectStartUpGarbage(): Promise<void> {
  let session: import('node:inspector').Session;
  try {
    const { Session } = await import('node:inspector');
    session = new Session();
    session.connect();
  } catch {
    return;
  }
  await new Promise<void>((resolve) =>
    session.post('HeapProfiler.collectGarbage', () =>
      // Disconnecting inside the callback never returns; once it has returned, it does.
      setImmediate(() => {
        session.disconnect();
        resolve();
      }),
    ),
  );
}

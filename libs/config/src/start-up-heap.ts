// Imported first by each process's entry point (apps/api/src/main.ts, apps/worker/src/main.ts),
// before anything else loads: importing it holds V8's young generation at its initial size until
// startedUp() (issue #16, idle RSS).
//
// While a process loads its ~2,500 modules and builds Nest's and TypeORM's metadata, nearly all it
// allocates survives, and V8 answers a high survival rate by doubling the young generation at each
// scavenge, up to 16 MB a semi-space: some 30 MB more RSS in each process, which stayed until V8's
// memory reducer shrank it 10-20 s after the process went idle (api + worker at 2 s: 297 MB, 238
// with the hold; both ~220 once settled). Held at its initial size, the start-up objects are
// promoted sooner, which is where they were going anyway. startedUp() gives V8 its own growth back,
// so under load the young generation grows as it always did (a small one costs CPU there: about 20 %
// more api CPU at 1,000 streams with a 4 MB semi-space).
import * as v8 from 'node:v8';

/** V8's flag for the young generation's growth at a scavenge (read again at each; not accepted in NODE_OPTIONS). */
export const YOUNG_GROWTH_FLAG = '--semi-space-growth-factor';
/** V8's own factor (`node --v8-options`). */
export const V8_YOUNG_GROWTH_FACTOR = 2;

v8.setFlagsFromString(`${YOUNG_GROWTH_FLAG}=1`);

/**
 * The process is up (its app built, about to listen or taking jobs): the young generation may grow
 * again, and the start-up garbage is collected now rather than 10-20 s later. Left to V8, what the
 * start-up promoted and dropped, and the pages it freed, stay resident until its memory reducer
 * runs (api + worker 2 s after start: 228 MB, 204-216 once it had run); a plain full collection
 * frees the objects but keeps the pages. V8's low-memory collection returns them, and the inspector
 * protocol's HeapProfiler.collectGarbage is the public way to ask for one (an in-process session,
 * no port): one full collection, once (88 ms for the api's modules on a 2-core machine busy with
 * other work). A Node built without the inspector skips it.
 */
export async function startedUp(): Promise<void> {
  v8.setFlagsFromString(`${YOUNG_GROWTH_FLAG}=${V8_YOUNG_GROWTH_FACTOR}`);
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

// A Redis server of the run's own (when REDIS_URL is not set and `redis-server` is on the PATH): other
// jobs on a shared Redis would add their commands and CPU to the per-request figures, and a process of
// its own can be metered like the others. No persistence: the run's keys die with it.
import { execFileSync } from 'node:child_process';
import { ChildProcess, freePort } from './child-processes.mjs';

/** The path of `redis-server`, or null. */
export function findRedisServer() {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * @param {string} executable path of redis-server
 * @param {string} dir its working directory (nothing is written there with persistence off)
 * @returns {Promise<{ process: ChildProcess, url: string }>}
 */
export async function startPrivateRedis(executable, dir) {
  const port = await freePort();
  const redis = new ChildProcess(
    'redis-server',
    executable,
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      // Room for 1,000 streams' connections and then some.
      '--maxclients',
      '10000',
    ],
    process.env,
  );
  await redis.waitForLine(/Ready to accept connections/, 15_000);
  return { process: redis, url: `redis://127.0.0.1:${port}` };
}

// `npm start`: everything a fresh machine needs on one port. Provides PostgreSQL (embedded) and Redis
// when they are not configured, then runs the api and the worker as child processes. Ctrl-C (or
// SIGTERM) stops the children first, then whatever this launcher started.
import { ChildProcess, spawn } from 'node:child_process';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, parseConfig, readOrCreateEncryptionKey } from '@gateway/config';
import { LauncherError, RunningPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { ensureLocalRedis, LocalRedis, redisAnswers } from './local-redis';
import { stopChild } from './stop-child';

/**
 * What a child gets beyond SHUTDOWN_GRACE_MS before SIGKILL: the api settles cut streams (5 s) and
 * closes its pools; the worker finishes the job it holds. Killing earlier would cut what the grace
 * promised to let finish.
 */
const CHILD_STOP_MARGIN_MS = 15_000;

function log(line: string): void {
  process.stdout.write(JSON.stringify({ level: 30, time: Date.now(), name: 'launcher', msg: line }) + '\n');
}

async function main(): Promise<void> {
  const config = parseConfig(process.env);
  const dataDir = isAbsolute(config.DATA_DIR) ? config.DATA_DIR : resolve(process.cwd(), config.DATA_DIR);
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  if (!config.ENCRYPTION_KEY) env['ENCRYPTION_KEY'] = readOrCreateEncryptionKey(dataDir);

  let postgres: RunningPostgres | undefined;
  let redis: LocalRedis | undefined;
  const children: { name: string; process: ChildProcess }[] = [];
  let stopping = false;

  const stopAll = async (exitCode: number): Promise<never> => {
    if (stopping) return new Promise<never>(() => undefined);
    stopping = true;
    const stopTimeoutMs = config.SHUTDOWN_GRACE_MS + CHILD_STOP_MARGIN_MS;
    const statuses = await Promise.all(
      children.map(async ({ name, process: child }) => ({
        name,
        code: await stopChild(child, stopTimeoutMs),
      })),
    );
    await redis?.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    // A child that stopped badly (an api that left usage events to its log for replay) makes the
    // whole stop a failed one, so whoever stopped `npm start` sees it too.
    const failed = statuses.find((status) => status.code !== 0);
    log(
      failed === undefined
        ? 'stopped'
        : `stopped, but the ${failed.name} exited with code ${failed.code} (see above)`,
    );
    process.exit(exitCode !== 0 ? exitCode : (failed?.code ?? 0));
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    if (process.env['REDIS_URL']) {
      if (!(await redisAnswers(config.REDIS_URL)))
        throw new LauncherError('REDIS_URL does not answer (is Redis running there?)');
    } else {
      redis = await ensureLocalRedis({ url: config.REDIS_URL, dataDir, log });
    }
    if (!config.DATABASE_URL) {
      postgres = await startEmbeddedPostgres(dataDir, log);
      env['DATABASE_URL'] = postgres.url;
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await stopAll(1);
  }
  if (stopping) return;

  const dist = resolve(__dirname, '..', '..', '..');
  const startChild = (name: string, entry: string): ChildProcess => {
    const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`${name} exited (${signal ?? `code ${code}`}); stopping everything`);
      void stopAll(code === 0 ? 1 : (code ?? 1));
    });
    return child;
  };
  children.push({ name: 'api', process: startChild('api', join(dist, 'api/src/main.js')) });
  // SINGLE_PROCESS: the api runs the worker's jobs itself.
  if (!config.SINGLE_PROCESS)
    children.push({ name: 'worker', process: startChild('worker', join(dist, 'worker/src/main.js')) });
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError || error instanceof LauncherError ? error.message : String(error),
  );
  process.exit(1);
});

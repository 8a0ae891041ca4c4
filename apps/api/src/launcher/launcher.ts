// `npm start`: everything a fresh machine needs on one port. Provides PostgreSQL (embedded) and Redis
// when they are not configured, then runs the api and the worker as child processes. Ctrl-C (or
// SIGTERM) stops the children first, then whatever this launcher started.
import { ChildProcess, spawn } from 'node:child_process';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, parseConfig, readOrCreateEncryptionKey } from '@gateway/config';
import { LauncherError, RunningPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { ensureLocalRedis, LocalRedis, redisAnswers } from './local-redis';

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
  const children: ChildProcess[] = [];
  let stopping = false;

  const stopAll = async (exitCode: number): Promise<never> => {
    if (stopping) return new Promise<never>(() => undefined);
    stopping = true;
    const stopTimeoutMs = config.SHUTDOWN_GRACE_MS + CHILD_STOP_MARGIN_MS;
    const statuses = await Promise.all(children.map((child) => stopChild(child, stopTimeoutMs)));
    await redis?.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    // A child that stopped badly (an api that left usage events to its log for replay) makes the
    // whole stop a failed one, so whoever stopped `npm start` sees it too.
    const failed = statuses.find((status) => status !== 0);
    log(failed === undefined ? 'stopped' : `stopped, but a process exited with code ${failed} (see above)`);
    process.exit(exitCode !== 0 ? exitCode : (failed ?? 0));
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
  children.push(startChild('api', join(dist, 'api/src/main.js')));
  // SINGLE_PROCESS: the api runs the worker's jobs itself.
  if (!config.SINGLE_PROCESS) children.push(startChild('worker', join(dist, 'worker/src/main.js')));
}

/** Stops the child; resolves with its exit code (1 when a signal ended it: it did not stop itself). */
function stopChild(child: ChildProcess, timeoutMs: number): Promise<number> {
  const status = (code: number | null) => code ?? 1;
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop(status(child.exitCode));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveStop(status(code));
    });
    child.kill('SIGTERM');
  });
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError || error instanceof LauncherError ? error.message : String(error),
  );
  process.exit(1);
});

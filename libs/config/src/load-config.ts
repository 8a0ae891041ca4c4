import { isAbsolute, resolve } from 'node:path';
import { ConfigError, parseConfig, RawConfig } from './app-config';
import { readOrCreateEncryptionKey } from './encryption-key-file';

export interface AppConfig extends Omit<RawConfig, 'ENCRYPTION_KEY' | 'DATABASE_URL'> {
  DATABASE_URL: string;
  ENCRYPTION_KEY: string;
  /** Absolute path of DATA_DIR (WEB_DIST_DIR is made absolute too). */
  dataDir: string;
}

/**
 * The configuration of an api or worker process. Unlike the launcher, these need a database:
 * `npm start` provides one (embedded) before it starts them.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = parseConfig(env);
  const absolute = (path: string) => (isAbsolute(path) ? path : resolve(process.cwd(), path));
  const dataDir = absolute(raw.DATA_DIR);
  if (raw.DATABASE_URL === undefined) {
    throw new ConfigError(
      'DATABASE_URL',
      'must be set (npm start provides an embedded PostgreSQL when it is unset)',
    );
  }
  return Object.freeze({
    ...raw,
    DATABASE_URL: raw.DATABASE_URL,
    dataDir,
    WEB_DIST_DIR: absolute(raw.WEB_DIST_DIR),
    ENCRYPTION_KEY: raw.ENCRYPTION_KEY ?? readOrCreateEncryptionKey(dataDir),
  });
}

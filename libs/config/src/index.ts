export { ConfigError, parseConfig } from './app-config';
export type { LogLevel, RawConfig } from './app-config';
export type { TrustProxy } from './trust-proxy';
export { loadConfig } from './load-config';
export type { AppConfig } from './load-config';
export { readOrCreateEncryptionKey } from './encryption-key-file';
export { APP_CONFIG, ConfigModule } from './config.module';
export { loggerModule, REDACTED_PATHS } from './logging';
export { startupFailureLine, UnreachableError } from './startup-error';

// The variables deployments set: the migration runner's direct connection (PgBouncer), the drain
// grace of a stopping api, and the build's commit shown with the version.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from './app-config';
import { migrationDatabaseUrl } from './migration-url';
import { gatewayVersion } from './version';

const pooled = 'postgres://gw:secret@pgbouncer:6432/gw';
const direct = 'postgres://gw:secret@postgres:5432/gw';

describe('DATABASE_DIRECT_URL', () => {
  it('is what the migration runner connects to when set, and only then', () => {
    expect(migrationDatabaseUrl(parseConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct }))).toBe(
      direct,
    );
    expect(migrationDatabaseUrl(parseConfig({ DATABASE_URL: pooled }))).toBe(pooled);
    expect(migrationDatabaseUrl(parseConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: '' }))).toBe(pooled);
  });

  it('must be a postgres URL, and a bad one is refused without echoing it', () => {
    expect(() => parseConfig({ DATABASE_DIRECT_URL: 'mysql://root:hunter2@db/gw' })).toThrow(ConfigError);
    expect(() => parseConfig({ DATABASE_DIRECT_URL: 'mysql://root:hunter2@db/gw' })).not.toThrow(/hunter2/);
  });
});

describe('SHUTDOWN_GRACE_MS', () => {
  it('defaults to 30 s and takes 0 to one hour', () => {
    expect(parseConfig({}).SHUTDOWN_GRACE_MS).toBe(30_000);
    expect(parseConfig({ SHUTDOWN_GRACE_MS: '0' }).SHUTDOWN_GRACE_MS).toBe(0);
    expect(() => parseConfig({ SHUTDOWN_GRACE_MS: '-1' })).toThrow(/SHUTDOWN_GRACE_MS/);
    expect(() => parseConfig({ SHUTDOWN_GRACE_MS: '3600001' })).toThrow(/SHUTDOWN_GRACE_MS/);
  });
});

describe('HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS', () => {
  it('default to 20 s and 120 s; the headers may not take longer than the whole request', () => {
    expect(parseConfig({})).toMatchObject({
      HTTP_HEADERS_TIMEOUT_MS: 20_000,
      HTTP_REQUEST_TIMEOUT_MS: 120_000,
    });
    expect(parseConfig({ HTTP_REQUEST_TIMEOUT_MS: '600000' }).HTTP_REQUEST_TIMEOUT_MS).toBe(600_000);
    expect(() => parseConfig({ HTTP_HEADERS_TIMEOUT_MS: '999' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
    expect(() => parseConfig({ HTTP_HEADERS_TIMEOUT_MS: '30000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS.*must not exceed HTTP_REQUEST_TIMEOUT_MS/,
    );
  });
});

describe('Redis topology', () => {
  it('wraps REDIS_PREFIX in one hash tag on a cluster, and keeps a prefix already in braces', () => {
    expect(parseConfig({ REDIS_CLUSTER: 'true' }).REDIS_PREFIX).toBe('{gw}');
    expect(parseConfig({ REDIS_CLUSTER: 'true', REDIS_PREFIX: 'prod' }).REDIS_PREFIX).toBe('{prod}');
    expect(parseConfig({ REDIS_CLUSTER: 'true', REDIS_PREFIX: '{prod}' }).REDIS_PREFIX).toBe('{prod}');
    expect(parseConfig({ REDIS_PREFIX: 'prod' }).REDIS_PREFIX).toBe('prod');
    expect(() => parseConfig({ REDIS_PREFIX: '{prod' })).toThrow(/REDIS_PREFIX/);
  });

  it('takes sentinels as host:port pairs, not together with a cluster', () => {
    expect(parseConfig({ REDIS_SENTINELS: '10.0.0.1:26379,sentinel-b:26379' }).REDIS_SENTINEL_NAME).toBe(
      'mymaster',
    );
    expect(() => parseConfig({ REDIS_SENTINELS: '10.0.0.1' })).toThrow(/REDIS_SENTINELS/);
    expect(() => parseConfig({ REDIS_SENTINELS: '10.0.0.1:26379', REDIS_CLUSTER: 'true' })).toThrow(
      /REDIS_SENTINELS/,
    );
  });
});

describe('SINGLE_PROCESS', () => {
  it('is off unless set, and refuses what is not a boolean', () => {
    expect(parseConfig({}).SINGLE_PROCESS).toBe(false);
    expect(parseConfig({ SINGLE_PROCESS: 'true' }).SINGLE_PROCESS).toBe(true);
    expect(() => parseConfig({ SINGLE_PROCESS: 'both' })).toThrow(/SINGLE_PROCESS/);
  });
});

describe('gatewayVersion', () => {
  it("is the gateway package's version, with GATEWAY_COMMIT when the build set one", () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(gatewayVersion(undefined)).toEqual({ version });
    expect(gatewayVersion(parseConfig({ GATEWAY_COMMIT: 'abc1234' }).GATEWAY_COMMIT)).toEqual({
      version,
      commit: 'abc1234',
    });
    expect(() => parseConfig({ GATEWAY_COMMIT: 'abc 1234' })).toThrow(/GATEWAY_COMMIT/);
  });

  it('skips package.json files of other packages on the way up', () => {
    const root = mkdtempSync(join(tmpdir(), 'gw-version-'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'llm-gateway', version: '9.8.7' }));
    const nested = join(root, 'node_modules', 'other', 'lib');
    mkdirSync(nested, { recursive: true });
    writeFileSync(
      join(root, 'node_modules', 'other', 'package.json'),
      JSON.stringify({ name: 'other', version: '1.0.0' }),
    );
    expect(gatewayVersion(undefined, nested)).toEqual({ version: '9.8.7' });
  });
});

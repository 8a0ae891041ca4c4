// The process configuration: read once from the environment, validated, frozen.
import { z } from 'zod';
import { trustProxy } from './trust-proxy';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function urlWithProtocols(protocols: string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );
}

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * A whole number written in decimal digits. Not `z.coerce`, which reads a blank value ("  ") as 0
 * (a blank SHUTDOWN_GRACE_MS was no grace at all) and takes "0x50", "1e3" or "0b11" for numbers.
 */
function wholeNumber(message: string) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    z.number({ message }).int(message),
  );
}

const port = wholeNumber('must be a port number').pipe(
  z.number().min(1, 'must be between 1 and 65535').max(65535, 'must be between 1 and 65535'),
);

function intIn(min: number, max: number) {
  return wholeNumber('must be a whole number').pipe(
    z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`),
  );
}

/** A comma-separated list of HTTP status codes (400-599), e.g. `429,500,503`. */
const statusList = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()))
  .refine((parts) => parts.every((part) => /^[45]\d\d$/.test(part)), {
    message: 'must be comma-separated HTTP status codes between 400 and 599',
  })
  .transform((parts) => Object.freeze(parts.map(Number)) as readonly number[]);

// Each variable is validated on its own so that the first bad one can be named precisely.
const schema = {
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { message: 'must be development, production or test' })
    .default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:']).optional(),
  // Behind a transaction-pooling PgBouncer: a direct (session) connection for the migration runner,
  // whose advisory lock is session-scoped (README "PgBouncer").
  DATABASE_DIRECT_URL: urlWithProtocols(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  // `{name}` (a hash tag) keeps every key in one Redis Cluster slot; REDIS_CLUSTER adds the braces.
  REDIS_PREFIX: z
    .string()
    .regex(
      /^(\{[A-Za-z0-9_.-]{1,62}\}|[A-Za-z0-9_.-]{1,64})$/,
      'must be 1-64 letters, digits, "_", "." or "-", optionally in braces',
    )
    .default('gw'),
  // REDIS_URL is one node of a Redis Cluster (README "Redis beyond one node").
  REDIS_CLUSTER: booleanFlag.default('false'),
  // Redis behind Sentinel: its addresses (host:port, comma-separated); REDIS_URL then gives only the
  // master's credentials, database and TLS.
  REDIS_SENTINELS: z
    .string()
    .regex(
      /^[A-Za-z0-9_.:[\]-]+:\d{1,5}(,[A-Za-z0-9_.:[\]-]+:\d{1,5})*$/,
      'must be host:port pairs separated by commas',
    )
    .optional(),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"')
    .default('mymaster'),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters (32 bytes)')
    .optional(),
  ADMIN_EMAIL: z.string().email('must be an email address').optional(),
  ADMIN_PASSWORD: z
    .string()
    .min(10, 'must be at least 10 characters')
    .max(256, 'must be at most 256 characters')
    .optional(),
  PUBLIC_REGISTRATION: booleanFlag.default('false'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  DATA_DIR: z.string().min(1, 'must not be empty').default('.data'),
  WEB_DIST_DIR: z.string().min(1, 'must not be empty').default('dist/apps/web'),
  // The commit the build came from (the Dockerfile's GATEWAY_COMMIT build argument), shown at /health.
  GATEWAY_COMMIT: z
    .string()
    .regex(/^[0-9a-zA-Z._-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-" (a commit hash)')
    .optional(),
  STARTUP_WAIT_SECONDS: intIn(0, 600).default(30),
  // The worker proves it is alive (PostgreSQL and Redis answer) by touching this file every 10 s;
  // the container healthcheck reads its age (README "Small host").
  WORKER_HEARTBEAT_FILE: z.string().min(1, 'must not be empty').optional(),
  // How long a stopping api lets in-flight requests and streams finish (README "Rolling restarts").
  SHUTDOWN_GRACE_MS: intIn(0, 3_600_000).default(30_000),
  // How long a client may take to send a request's headers, and the whole request (its body
  // included), before the api answers 408 and closes the connection: a client that dribbles bytes
  // holds a connection no longer than this (README "Configuration"; http-timeouts.ts).
  HTTP_HEADERS_TIMEOUT_MS: intIn(1_000, 600_000).default(20_000),
  HTTP_REQUEST_TIMEOUT_MS: intIn(1_000, 3_600_000).default(120_000),
  // How far V8 lets the heap grow past what its last full collection kept (heap-growth.ts); 0: V8's own.
  HEAP_GROWTH_PERCENT: intIn(0, 1_000).default(50),
  // The niceness of the worker process's threads (apps/worker/src/niceness.ts): on a shared host its
  // background work yields the CPU to the api's requests. 0 leaves it as started.
  WORKER_NICENESS: intIn(0, 19).default(10),
  // The api process also runs the worker's jobs (README "Small host"): one Node process instead of two.
  SINGLE_PROCESS: booleanFlag.default('false'),
  // How long a job or usage batch of a worker that died (kill -9, a lost host) waits before another
  // worker takes it over (README "Configuration"): BullMQ's lock and stalled check, the usage claim.
  WORKER_TAKEOVER_MS: intIn(1_000, 600_000).default(30_000),
  // The longest the api and the worker wait for one Redis command (README "Configuration").
  REDIS_COMMAND_TIMEOUT_MS: intIn(50, 60_000).default(2_000),
  // Whose X-Forwarded-For/-Proto is believed (README "Configuration").
  TRUST_PROXY: trustProxy,
  // Set: GET /metrics needs `Authorization: Bearer <it>`; unset: only loopback clients may scrape.
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, 'must be 16-256 printable characters without spaces')
    .optional(),
  SESSION_TTL_HOURS: intIn(1, 24 * 365).default(24 * 7),
  // The relay (README "Configuration" explains each).
  RELAY_MAX_ATTEMPTS: intIn(1, 20).default(5),
  RELAY_DEADLINE_MS: intIn(1_000, 3_600_000).default(120_000),
  RELAY_RETRY_STATUSES: statusList.default('408,429,500,502,503,504,529'),
  RELAY_COOLDOWN_BASE_MS: intIn(100, 3_600_000).default(5_000),
  RELAY_COOLDOWN_MAX_MS: intIn(1_000, 86_400_000).default(300_000),
  RELAY_OUT_OF_CREDIT_COOLDOWN_MS: intIn(1_000, 604_800_000).default(3_600_000),
  RELAY_TABLE_REFRESH_MS: intIn(1_000, 3_600_000).default(60_000),
  // The most of one non-stream answer held in memory (issue #14 item 1).
  RELAY_MAX_RESPONSE_BYTES: intIn(65_536, 1_073_741_824).default(8 * 1024 * 1024),
  // How often an api adds the channel keys' lifetime totals it counted to Redis (KeyStatsTally).
  KEY_STATS_FLUSH_MS: intIn(100, 3_600_000).default(1_000),
  // Billing (README "Configuration").
  BILLING_HOLD_TTL_MS: intIn(10_000, 86_400_000).default(3_600_000),
  BILLING_DEFAULT_MAX_TOKENS: intIn(0, 10_000_000).default(4096),
  // The api's usage outbox (README "Configuration", docs/design.md "The usage outbox").
  USAGE_OUTBOX_MAX_EVENTS: intIn(100, 10_000_000).default(100_000),
  USAGE_OUTBOX_CONFIRM_MS: intIn(100, 600_000).default(5_000),
  // How often the worker reconciles the Redis balance mirror with the ledger (docs/design.md "Money").
  BILLING_MIRROR_RECONCILE_MS: intIn(1_000, 86_400_000).default(60_000),
  // Usage rollups and raw-record retention (README "Configuration").
  USAGE_ROLLUP_EVERY_MS: intIn(5_000, 3_600_000).default(60_000),
  // 0 keeps raw records forever; otherwise at least 400 days (invoices re-read the past year).
  USAGE_RETENTION_DAYS: intIn(0, 36_500)
    .refine((days) => days === 0 || days >= 400, {
      message: 'must be 0 (keep raw usage records forever) or at least 400 days',
    })
    .default(0),
  // Channel health probes (README "Configuration").
  PROBE_FAILURE_THRESHOLD: intIn(1, 100).default(3),
  PROBE_HISTORY_DAYS: intIn(1, 3650).default(14),
  PROBE_RATE_PER_MINUTE: intIn(1, 100_000).default(60),
  // Invoices (README "Configuration"): the tax rate as an exact decimal fraction, 0 to 1.
  INVOICE_TAX_RATE: z
    .string()
    .regex(
      /^(0(\.\d{1,6})?|1(\.0{1,6})?)$/,
      'must be a decimal from 0 to 1 with at most 6 places, e.g. "0.08"',
    )
    .default('0'),
  // Online top-ups (README "Online top-ups"): where the Stripe client sends its API calls.
  STRIPE_API_URL: urlWithProtocols(['https:', 'http:']).default('https://api.stripe.com'),
} as const;

type Schema = typeof schema;
export type RawConfig = { [K in keyof Schema]: z.output<Schema[K]> };

/** Variables whose values must never be echoed back, not even in a config error. */
const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'DATABASE_DIRECT_URL',
  'REDIS_URL',
  'ENCRYPTION_KEY',
  'ADMIN_PASSWORD',
  'METRICS_TOKEN',
]);

export function parseConfig(env: NodeJS.ProcessEnv): RawConfig {
  const out: Record<string, unknown> = {};
  for (const [name, validator] of Object.entries(schema)) {
    const raw = env[name];
    const value = raw === '' ? undefined : raw;
    const result = (validator as z.ZodTypeAny).safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const shown =
        SECRET_VARIABLES.has(name) || value === undefined ? '' : ` (got "${String(value).slice(0, 80)}")`;
      throw new ConfigError(name, `${issue?.message ?? 'is invalid'}${shown}`);
    }
    out[name] = result.data;
  }
  const config = out as RawConfig;
  if ((config.ADMIN_EMAIL === undefined) !== (config.ADMIN_PASSWORD === undefined)) {
    const missing = config.ADMIN_EMAIL === undefined ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD';
    throw new ConfigError(
      missing,
      'must be set together with ' + (missing === 'ADMIN_EMAIL' ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'),
    );
  }
  if (config.REDIS_CLUSTER && config.REDIS_SENTINELS !== undefined) {
    throw new ConfigError('REDIS_SENTINELS', 'must not be set together with REDIS_CLUSTER (choose one)');
  }
  // On a cluster every multi-key script must stay in one slot: one hash tag over the whole prefix.
  if (config.REDIS_CLUSTER && !config.REDIS_PREFIX.startsWith('{')) {
    out['REDIS_PREFIX'] = `{${config.REDIS_PREFIX}}`;
  }
  if (config.HTTP_HEADERS_TIMEOUT_MS > config.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      'HTTP_HEADERS_TIMEOUT_MS',
      `must not exceed HTTP_REQUEST_TIMEOUT_MS (${config.HTTP_REQUEST_TIMEOUT_MS}): the headers are part of the request`,
    );
  }
  // As the Settings page refuses it: with the base above the cap every cooldown is the cap, and each
  // later settings change would be refused until both were fixed.
  if (config.RELAY_COOLDOWN_MAX_MS < config.RELAY_COOLDOWN_BASE_MS) {
    throw new ConfigError(
      'RELAY_COOLDOWN_MAX_MS',
      `must not be below RELAY_COOLDOWN_BASE_MS (${config.RELAY_COOLDOWN_BASE_MS})`,
    );
  }
  if (config.NODE_ENV === 'production' && config.ENCRYPTION_KEY === undefined) {
    throw new ConfigError('ENCRYPTION_KEY', 'must be set in production (64 hexadecimal characters)');
  }
  return config;
}

import { ConfigError, parseConfig } from './app-config';

const valid = { DATABASE_URL: 'postgres://u:p@db:5432/gw' };

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PUBLIC_REGISTRATION: false,
      LOG_LEVEL: 'info',
      DATA_DIR: '.data',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.ENCRYPTION_KEY).toBeUndefined();
  });

  it('parses typed values', () => {
    const config = parseConfig({ ...valid, PORT: '8080', PUBLIC_REGISTRATION: 'true', LOG_LEVEL: 'debug' });
    expect(config.PORT).toBe(8080);
    expect(config.PUBLIC_REGISTRATION).toBe(true);
    expect(config.LOG_LEVEL).toBe('debug');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '3.5'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['ENCRYPTION_KEY', 'abc'],
    ['ENCRYPTION_KEY', 'z'.repeat(64)],
    ['LOG_LEVEL', 'verbose'],
    ['PUBLIC_REGISTRATION', 'maybe'],
    ['REDIS_PREFIX', 'has space'],
    ['ADMIN_EMAIL', 'not-an-email'],
  ])('names %s when it is %j', (variable, value) => {
    const error = errorOf({
      ...valid,
      ADMIN_EMAIL: 'a@b.co',
      ADMIN_PASSWORD: 'long enough password',
      [variable]: value,
    });
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(new RegExp(`^invalid configuration: ${variable} `));
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('never echoes a secret value in its error', () => {
    const error = errorOf({ ENCRYPTION_KEY: 'my-secret-not-hex' });
    expect(error.message).not.toContain('my-secret-not-hex');
    const dbError = errorOf({ DATABASE_URL: 'mysql://user:hunter2@x/db' });
    expect(dbError.message).not.toContain('hunter2');
  });

  it('echoes a harmless bad value to help the operator', () => {
    expect(errorOf({ PORT: 'abc' }).message).toContain('"abc"');
  });

  it('requires ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
    expect(errorOf({ ADMIN_EMAIL: 'a@b.co' }).variable).toBe('ADMIN_PASSWORD');
    expect(errorOf({ ADMIN_PASSWORD: 'long enough password' }).variable).toBe('ADMIN_EMAIL');
  });

  it('refuses a short admin password', () => {
    expect(errorOf({ ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'short' }).variable).toBe('ADMIN_PASSWORD');
  });

  it('requires ENCRYPTION_KEY in production', () => {
    expect(errorOf({ NODE_ENV: 'production' }).variable).toBe('ENCRYPTION_KEY');
    expect(parseConfig({ NODE_ENV: 'production', ENCRYPTION_KEY: 'A1'.repeat(32) }).ENCRYPTION_KEY).toBe(
      'A1'.repeat(32),
    );
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ PORT: '' }).PORT).toBe(3000);
  });

  // A blank value is a mistake, not 0: SHUTDOWN_GRACE_MS="  " used to mean no grace at all, and
  // BILLING_DEFAULT_MAX_TOKENS=" " a worst-case hold of no completion tokens.
  it.each([
    ['SHUTDOWN_GRACE_MS', '  '],
    ['BILLING_DEFAULT_MAX_TOKENS', ' '],
    ['STARTUP_WAIT_SECONDS', '\t'],
    ['WORKER_NICENESS', ' '],
    ['HEAP_GROWTH_PERCENT', ' '],
    ['USAGE_RETENTION_DAYS', ' '],
    ['PORT', '0x50'],
    ['RELAY_MAX_ATTEMPTS', '1e1'],
    ['SESSION_TTL_HOURS', '0b11'],
    ['STARTUP_WAIT_SECONDS', '-1'],
  ])('refuses %s=%j rather than reading a number into it', (variable, value) => {
    const error = errorOf({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(/ must be (a whole number|a port number|between \d+ and \d+) /);
  });

  it('refuses a cooldown cap below its base, as the Settings page does', () => {
    const error = errorOf({ RELAY_COOLDOWN_BASE_MS: '10000', RELAY_COOLDOWN_MAX_MS: '5000' });
    expect(error.message).toBe(
      'invalid configuration: RELAY_COOLDOWN_MAX_MS must not be below RELAY_COOLDOWN_BASE_MS (10000)',
    );
    expect(parseConfig({ RELAY_COOLDOWN_BASE_MS: '5000', RELAY_COOLDOWN_MAX_MS: '5000' })).toMatchObject({
      RELAY_COOLDOWN_MAX_MS: 5000,
    });
  });

  it('takes decimal digits with spaces around them', () => {
    expect(parseConfig({ PORT: ' 8080 ', SHUTDOWN_GRACE_MS: '0' })).toMatchObject({
      PORT: 8080,
      SHUTDOWN_GRACE_MS: 0,
    });
  });
});

describe('usage rollup and retention settings', () => {
  it('keeps raw usage records forever and rolls up every minute by default', () => {
    expect(parseConfig({})).toMatchObject({ USAGE_RETENTION_DAYS: 0, USAGE_ROLLUP_EVERY_MS: 60_000 });
  });

  it('takes 0 or at least 400 days of retention', () => {
    expect(parseConfig({ USAGE_RETENTION_DAYS: '0' }).USAGE_RETENTION_DAYS).toBe(0);
    expect(parseConfig({ USAGE_RETENTION_DAYS: '400' }).USAGE_RETENTION_DAYS).toBe(400);
    expect(parseConfig({ USAGE_RETENTION_DAYS: '730' }).USAGE_RETENTION_DAYS).toBe(730);
  });

  it.each(['30', '399', '-1', '1.5', 'forever'])('refuses USAGE_RETENTION_DAYS=%s, naming it', (value) => {
    const error = errorOf({ USAGE_RETENTION_DAYS: value });
    expect(error.variable).toBe('USAGE_RETENTION_DAYS');
  });

  it('names USAGE_ROLLUP_EVERY_MS when it is out of range', () => {
    expect(errorOf({ USAGE_ROLLUP_EVERY_MS: '10' }).variable).toBe('USAGE_ROLLUP_EVERY_MS');
  });
});

describe('heap growth', () => {
  it('lets the heap grow 50 % past what a full collection kept by default, 0 leaving V8 its own, and names a bad value', () => {
    expect(parseConfig({}).HEAP_GROWTH_PERCENT).toBe(50);
    expect(parseConfig({ HEAP_GROWTH_PERCENT: '0' }).HEAP_GROWTH_PERCENT).toBe(0);
    expect(parseConfig({ HEAP_GROWTH_PERCENT: '120' }).HEAP_GROWTH_PERCENT).toBe(120);
    expect(errorOf({ HEAP_GROWTH_PERCENT: '-5' }).variable).toBe('HEAP_GROWTH_PERCENT');
    expect(errorOf({ HEAP_GROWTH_PERCENT: '1.5' }).variable).toBe('HEAP_GROWTH_PERCENT');
  });
});

describe('worker takeover', () => {
  it('takes a dead worker’s jobs over after BullMQ’s own 30 s by default, and names a value out of range', () => {
    expect(parseConfig({}).WORKER_TAKEOVER_MS).toBe(30_000);
    expect(parseConfig({ WORKER_TAKEOVER_MS: '2000' }).WORKER_TAKEOVER_MS).toBe(2_000);
    expect(errorOf({ WORKER_TAKEOVER_MS: '10' }).variable).toBe('WORKER_TAKEOVER_MS');
  });
});

describe('channel health probe settings', () => {
  it('disables a key after 3 failed probes, keeps 14 days of history, 60 probes a minute per provider', () => {
    expect(parseConfig({})).toMatchObject({
      PROBE_FAILURE_THRESHOLD: 3,
      PROBE_HISTORY_DAYS: 14,
      PROBE_RATE_PER_MINUTE: 60,
    });
    expect(parseConfig({ PROBE_FAILURE_THRESHOLD: '1' }).PROBE_FAILURE_THRESHOLD).toBe(1);
  });

  it.each([
    ['PROBE_FAILURE_THRESHOLD', '0'],
    ['PROBE_FAILURE_THRESHOLD', 'three'],
    ['PROBE_HISTORY_DAYS', '0'],
    ['PROBE_HISTORY_DAYS', '2.5'],
    ['PROBE_RATE_PER_MINUTE', '0'],
    ['PROBE_RATE_PER_MINUTE', '-5'],
  ])('names %s when it is %j', (variable, value) => {
    expect(errorOf({ [variable]: value }).variable).toBe(variable);
  });
});

describe('invoice settings', () => {
  it('taxes nothing by default and takes an exact decimal rate', () => {
    expect(parseConfig({}).INVOICE_TAX_RATE).toBe('0');
    expect(parseConfig({ INVOICE_TAX_RATE: '0.08' }).INVOICE_TAX_RATE).toBe('0.08');
    expect(parseConfig({ INVOICE_TAX_RATE: '1' }).INVOICE_TAX_RATE).toBe('1');
  });

  it.each(['8%', '0,08', '.08', '-0.1', '1.5', '0.1234567', '1e-2'])(
    'refuses INVOICE_TAX_RATE=%s, naming it',
    (value) => {
      const error = errorOf({ INVOICE_TAX_RATE: value });
      expect(error.variable).toBe('INVOICE_TAX_RATE');
      expect(error.message).toContain('0.08');
    },
  );
});

describe('STRIPE_API_URL', () => {
  it('calls Stripe itself by default and takes another http(s) base, such as a local mock', () => {
    expect(parseConfig({}).STRIPE_API_URL).toBe('https://api.stripe.com');
    expect(parseConfig({ STRIPE_API_URL: 'http://127.0.0.1:12111' }).STRIPE_API_URL).toBe(
      'http://127.0.0.1:12111',
    );
    expect(errorOf({ STRIPE_API_URL: 'ftp://stripe' }).variable).toBe('STRIPE_API_URL');
  });
});

describe('TRUST_PROXY', () => {
  it('trusts only a proxy on loopback by default', () => {
    expect(parseConfig({}).TRUST_PROXY).toEqual(['loopback']);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['0', 0],
    ['2', 2],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, 192.168.1.7,fd00::/8', ['10.0.0.0/8', '192.168.1.7', 'fd00::/8']],
    ['loopback,uniquelocal,linklocal', ['loopback', 'uniquelocal', 'linklocal']],
    ['10.0.0.0/255.0.0.0', ['10.0.0.0/255.0.0.0']],
  ])('reads %j as an Express trust-proxy value', (value, expected) => {
    expect(parseConfig({ TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });

  it.each(['yes please', '10.0.0.0/33', '300.1.1.1', 'fd00::/129', '-1', '1.5', 'loopback,,', 'localhost'])(
    'refuses TRUST_PROXY=%j in one line naming it',
    (value) => {
      const error = errorOf({ TRUST_PROXY: value });
      expect(error.variable).toBe('TRUST_PROXY');
      expect(error.message.split('\n')).toHaveLength(1);
    },
  );
});

describe('METRICS_TOKEN', () => {
  it('is unset by default and never echoed in an error', () => {
    expect(parseConfig({}).METRICS_TOKEN).toBeUndefined();
    expect(parseConfig({ METRICS_TOKEN: 'a-long-enough-scrape-token' }).METRICS_TOKEN).toBe(
      'a-long-enough-scrape-token',
    );
    const error = errorOf({ METRICS_TOKEN: 'short' });
    expect(error.variable).toBe('METRICS_TOKEN');
    expect(error.message).not.toContain('short"');
  });
});

// NewAPI-shaped databases built from NewAPI's documented columns (model/channel.go, user.go,
// token.go, option.go, redemption.go), as a SQLite file (sql.js), a PostgreSQL and a MySQL (MariaDB)
// database, with the awkward rows a real installation has: multi-key channels, a model mapping,
// Chinese names, an unroutable channel type, expired and exhausted tokens, unlimited quota, a disabled
// and a deleted user, redemption codes unused, used, disabled and expired.
import * as bcrypt from 'bcryptjs';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import initSqlJs from 'sql.js';

const DDL = [
  `CREATE TABLE channels (id integer PRIMARY KEY, type integer DEFAULT 0, "key" text NOT NULL, status integer DEFAULT 1,
     name varchar(255), weight integer DEFAULT 0, created_time bigint, base_url varchar(255) DEFAULT '', other text,
     models text, "group" varchar(64) DEFAULT 'default', used_quota bigint DEFAULT 0, model_mapping text,
     priority bigint DEFAULT 0, auto_ban integer DEFAULT 1)`,
  `CREATE TABLE users (id integer PRIMARY KEY, username varchar(20) UNIQUE, password varchar(255) NOT NULL,
     display_name varchar(20), role integer DEFAULT 1, status integer DEFAULT 1, email varchar(50),
     access_token char(32), quota bigint DEFAULT 0, used_quota bigint DEFAULT 0, request_count integer DEFAULT 0,
     "group" varchar(64) DEFAULT 'default', aff_code varchar(32), inviter_id integer, deleted_at timestamp NULL)`,
  `CREATE TABLE tokens (id integer PRIMARY KEY, user_id integer, "key" char(48) UNIQUE, status integer DEFAULT 1,
     name varchar(255), created_time bigint, accessed_time bigint, expired_time bigint DEFAULT -1,
     remain_quota bigint DEFAULT 0, unlimited_quota boolean DEFAULT false, model_limits_enabled boolean DEFAULT false,
     model_limits varchar(1024) DEFAULT '', allow_ips text DEFAULT '', used_quota bigint DEFAULT 0,
     "group" varchar(64) DEFAULT '', deleted_at timestamp NULL)`,
  `CREATE TABLE options ("key" varchar(255) PRIMARY KEY, value text)`,
  `CREATE TABLE redemptions (id integer PRIMARY KEY, user_id integer, "key" char(32) UNIQUE, status integer DEFAULT 1,
     name varchar(255), quota bigint DEFAULT 100, created_time bigint, redeemed_time bigint, used_user_id integer,
     expired_time bigint DEFAULT 0, deleted_at timestamp NULL)`,
];

export const PASSWORDS = { alice: 'alice-newapi-password', root: 'root-newapi-password' };
/** The 48 characters NewAPI stores; clients send them after `sk-`. */
export const ALICE_KEY = 'aliceK3yFromNewApi000000000000000000000000000001';
export const EXPIRED_KEY = 'expiredK3yFromNewApi0000000000000000000000000002';
export const EXHAUSTED_KEY = 'exhaustedK3yFromNewApi00000000000000000000000003';
export const CAROL_KEY = 'carolUnlimitedK3yFromNewApi000000000000000000004';

/** The NewAPI codes (32 hex characters) still unused in every source: $1 and $1.50 at 500,000 per USD. */
export const REDEMPTION_CODES = {
  gift: '0123456789abcdef0123456789abcdef',
  later: 'fedcba9876543210fedcba9876543210',
};

export interface SourceSpec {
  /** Where the one routable channel points (the mock upstream, without /v1 as NewAPI stores it). */
  upstream: string;
  quotaPerUnit?: string;
  aliceQuota: number;
  /** Distinct per source so that two sources are two installations. */
  prefix: string;
}

type Row = Record<string, string | number | null>;

async function rows(spec: SourceSpec): Promise<Record<string, Row[]>> {
  const hash = (password: string) => bcrypt.hash(password, 4);
  const p = spec.prefix;
  return {
    users: [
      {
        id: 1,
        username: `${p}root`,
        password: await hash(PASSWORDS.root),
        display_name: 'Root',
        role: 100,
        status: 1,
        email: '',
        quota: 0,
        aff_code: 'Ab12',
      },
      {
        id: 2,
        username: `${p}alice`,
        password: await hash(PASSWORDS.alice),
        display_name: '爱丽丝',
        role: 1,
        status: 1,
        email: `${p}alice@example.com`,
        quota: spec.aliceQuota,
        used_quota: 987654,
        aff_code: 'Cd34',
      },
      {
        id: 3,
        username: `${p}bob`,
        password: await hash('bob-password'),
        display_name: 'Bob',
        role: 1,
        status: 2,
        email: `${p}bob@example.com`,
        quota: 1,
        aff_code: 'Ef56',
      },
      {
        id: 4,
        username: `${p}carol`,
        password: await hash('carol-password'),
        display_name: '卡罗尔',
        role: 1,
        status: 1,
        email: null,
        quota: 0,
        group: 'vip',
        aff_code: 'Gh78',
      },
      {
        id: 5,
        username: `${p}gone`,
        password: await hash('gone-password'),
        role: 1,
        status: 1,
        quota: 500000,
        aff_code: 'Ij90',
        deleted_at: '2024-01-01 00:00:00',
      },
    ],
    channels: [
      {
        id: 1,
        type: 1,
        key: 'sk-upstream-one-aaaa\nsk-upstream-two-bbbb\n',
        status: 1,
        name: 'OpenAI 主渠道',
        weight: 0,
        base_url: spec.upstream,
        models: 'gpt-4o-mini,gpt-4o-alias',
        group: 'default,vip',
        model_mapping: '{"gpt-4o-alias":"gpt-4o-mini"}',
        priority: 5,
      },
      {
        id: 2,
        type: 3,
        key: 'azure-key-0123456789',
        status: 2,
        name: 'Azure east',
        weight: 10,
        base_url: 'https://east.openai.azure.com',
        other: '2024-10-21',
        models: 'gpt-4o',
        group: 'default',
      },
      {
        id: 3,
        type: 15,
        key: 'baidu-key-0123456789',
        status: 1,
        name: '文心一言',
        base_url: '',
        models: 'ERNIE-4.0',
        group: 'default',
      },
    ],
    tokens: [
      {
        id: 1,
        user_id: 2,
        key: ALICE_KEY,
        status: 1,
        name: 'alice 的密钥',
        expired_time: -1,
        remain_quota: 1_000_000,
        unlimited_quota: 0,
        model_limits_enabled: 1,
        model_limits: 'gpt-4o-mini,gpt-4o-alias',
        allow_ips: '',
      },
      {
        id: 2,
        user_id: 2,
        key: EXPIRED_KEY,
        status: 3,
        name: 'expired',
        // NewAPI refuses status 3 and 4 on the status alone: no expiry and quota left change nothing.
        expired_time: -1,
        remain_quota: 5000,
        unlimited_quota: 0,
      },
      {
        id: 3,
        user_id: 2,
        key: EXHAUSTED_KEY,
        status: 4,
        name: 'exhausted',
        remain_quota: 1_000_000,
        unlimited_quota: 0,
      },
      {
        id: 4,
        user_id: 4,
        key: CAROL_KEY,
        status: 1,
        name: 'carol',
        remain_quota: 0,
        unlimited_quota: 1,
        allow_ips: '127.0.0.1\n::1\nnot-an-ip',
        group: 'vip',
      },
      {
        id: 5,
        user_id: 5,
        key: 'deletedUsersK3y000000000000000000000000000000005',
        status: 1,
        name: 'orphan',
        remain_quota: 10,
        unlimited_quota: 0,
      },
    ],
    options: [
      ...(spec.quotaPerUnit ? [{ key: 'QuotaPerUnit', value: spec.quotaPerUnit }] : []),
      { key: 'ModelRatio', value: '{"gpt-4o-mini":0.075,"gpt-4o":1.25}' },
      { key: 'CompletionRatio', value: '{"gpt-4o-mini":4}' },
      { key: 'GroupRatio', value: '{"default":1,"vip":0.8,"free":0}' },
    ],
    redemptions: [
      { id: 1, user_id: 1, key: REDEMPTION_CODES.gift, status: 1, name: '礼品卡', quota: 500000 },
      { id: 2, user_id: 1, key: 'a'.repeat(32), status: 3, name: 'used', quota: 500000, used_user_id: 2 },
      {
        id: 3,
        user_id: 1,
        key: 'b'.repeat(32),
        status: 1,
        name: 'expired',
        quota: 500000,
        expired_time: 1_600_000_000,
      },
      { id: 4, user_id: 1, key: 'c'.repeat(32), status: 2, name: 'disabled', quota: 500000 },
      {
        id: 5,
        user_id: 1,
        key: REDEMPTION_CODES.later,
        status: 1,
        name: 'until 2100',
        quota: 750000,
        expired_time: 4_102_444_800,
      },
    ],
  };
}

/** NewAPI keeps booleans as 0/1 in SQLite and as booleans in PostgreSQL. */
const BOOLEAN_COLUMNS = new Set(['unlimited_quota', 'model_limits_enabled']);

export async function buildSqliteSource(spec: SourceSpec): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  for (const ddl of DDL) db.run(ddl);
  for (const [table, list] of Object.entries(await rows(spec))) {
    for (const row of list) {
      const columns = Object.keys(row);
      db.run(
        `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        columns.map((c) => row[c] ?? null),
      );
    }
  }
  const bytes = db.export();
  db.close();
  return bytes;
}

/** A SQLite file that is not NewAPI's: a `users` table of another application, and nothing else. */
export async function buildForeignSqlite(): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(`CREATE TABLE users (id integer PRIMARY KEY, username text, email text, password_hash text)`);
  db.run(`INSERT INTO users VALUES (1, 'someone', 'someone@example.com', 'x')`);
  const bytes = db.export();
  db.close();
  return bytes;
}

/** Creates database `name` on the local PostgreSQL with the same rows; returns its URL. */
export async function buildPostgresSource(name: string, spec: SourceSpec): Promise<string> {
  const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    for (const ddl of DDL) await client.query(ddl);
    for (const [table, list] of Object.entries(await rows(spec))) {
      for (const row of list) {
        const columns = Object.keys(row);
        await client.query(
          `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
          columns.map((c) => (BOOLEAN_COLUMNS.has(c) ? row[c] === 1 : (row[c] ?? null))),
        );
      }
    }
  } finally {
    await client.end();
  }
  return url.toString();
}

export async function dropPostgresSource(name: string): Promise<void> {
  const admin = new Client({
    connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

/** Where the MariaDB of this machine kind answers (and CI's, which .ci/run starts when it is down). */
export const MYSQL_SERVER_URL = process.env.NEWAPI_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/**
 * Creates database `name` on the local MariaDB / MySQL with the same rows; returns its URL. A server
 * that does not answer is an error that says so: this test is how the MySQL reader is known to work.
 */
export async function buildMysqlSource(name: string, spec: SourceSpec): Promise<string> {
  let admin: Awaited<ReturnType<typeof createConnection>>;
  try {
    admin = await createConnection({ uri: MYSQL_SERVER_URL, connectTimeout: 5000 });
  } catch (error) {
    throw new Error(
      `MariaDB/MySQL is not reachable at ${MYSQL_SERVER_URL} (${(error as Error).message}); ` +
        'start it (on this machine kind: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd; .ci/run does) ' +
        'or point NEWAPI_TEST_MYSQL_URL at one. The MySQL import test does not skip.',
    );
  }
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const url = new URL(MYSQL_SERVER_URL);
  url.pathname = `/${name}`;
  const client = await createConnection({ uri: url.toString(), charset: 'utf8mb4' });
  try {
    // NewAPI's MySQL schema quotes `key` and `group` with backticks; ANSI_QUOTES lets the same DDL
    // (double quotes) build it.
    await client.query(`SET SESSION sql_mode = 'ANSI_QUOTES'`);
    for (const ddl of DDL) await client.query(ddl);
    for (const [table, list] of Object.entries(await rows(spec))) {
      for (const row of list) {
        const columns = Object.keys(row);
        await client.query(
          `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          columns.map((c) => row[c] ?? null),
        );
      }
    }
  } finally {
    await client.end();
  }
  return url.toString();
}

export async function dropMysqlSource(name: string): Promise<void> {
  const admin = await createConnection({ uri: MYSQL_SERVER_URL, connectTimeout: 5000 }).catch(() => null);
  if (!admin) return;
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await admin.end();
  }
}

/** Changes alice's quota in a SQLite source (a user topped up in NewAPI before the re-run). */
export async function withAliceQuota(bytes: Uint8Array, quota: number): Promise<Uint8Array> {
  return changedSqliteSource(bytes, [`UPDATE users SET quota = ${quota} WHERE id = 2`]);
}

/** A copy of a SQLite source with `statements` run on it (what changed in NewAPI before a re-run). */
export async function changedSqliteSource(bytes: Uint8Array, statements: string[]): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(bytes);
  for (const statement of statements) db.run(statement);
  const changed = db.export();
  db.close();
  return changed;
}

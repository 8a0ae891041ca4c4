// The benchmark's own database and Redis key prefix, on the local PostgreSQL (or that of DATABASE_URL)
// and the given Redis, created for one run and removed at its end.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { Redis } = require('ioredis');

/**
 * @param {string} redisUrl
 * @param {{ keysDieWithRedis: boolean }} options true for the run's private Redis: nothing to delete
 * @returns {Promise<{ databaseName: string, databaseUrl: string, serverUrl: string, redisUrl: string, redisPrefix: string, drop: () => Promise<void> }>}
 */
export async function createScratchStores(redisUrl, { keysDieWithRedis }) {
  const name = `bench_${randomBytes(5).toString('hex')}`;
  const server = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');

  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const databaseUrl = new URL(server);
  databaseUrl.pathname = `/${name}`;

  return {
    databaseName: name,
    databaseUrl: databaseUrl.toString(),
    serverUrl: server.toString(),
    redisUrl,
    redisPrefix: name,
    drop: async () => {
      const problems = [];
      const pg = new Client({ connectionString: server.toString() });
      try {
        await pg.connect();
        // FORCE: a gateway killed mid-request may leave a connection behind.
        await pg.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } catch (error) {
        problems.push(`database ${name}: ${error.message}`);
      } finally {
        await pg.end().catch(() => undefined);
      }
      try {
        if (!keysDieWithRedis) await deleteKeys(redisUrl, `${name}:*`);
      } catch (error) {
        problems.push(`redis prefix ${name}: ${error.message}`);
      }
      if (problems.length > 0) throw new Error(`cleanup incomplete: ${problems.join('; ')}`);
    },
  };
}

/** @param {string} url @param {string} pattern */
async function deleteKeys(url, pattern) {
  const client = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

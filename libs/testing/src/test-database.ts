// A PostgreSQL database of its own for each test suite, on the machine's real server, so suites run
// in parallel without seeing each other. Dropped (with FORCE) when the suite ends.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Server for test databases: TEST_DATABASE_URL, else the local PostgreSQL with trust auth. */
export const TEST_SERVER_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export function uniqueName(suite: string): string {
  const slug = suite
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  return `gw_t_${slug}_${randomBytes(4).toString('hex')}`;
}

export async function createTestDatabase(suite: string): Promise<TestDatabase> {
  const name = uniqueName(suite);
  const admin = new Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: TEST_SERVER_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

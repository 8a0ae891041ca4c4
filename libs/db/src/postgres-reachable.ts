import { UnreachableError } from '@gateway/config';
import { Client } from 'pg';

/**
 * Resolves when PostgreSQL at `url` accepts a connection; after `timeoutMs` of failures, rejects
 * with one line saying why (never the URL itself: it may hold a password).
 */
export async function waitForPostgres(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      // A wrong database name or password will not fix itself by waiting.
      const code = (error as { code?: string }).code;
      const permanent = code === '3D000' || code === '28P01' || code === '28000';
      if (permanent || Date.now() > deadline) {
        throw new UnreachableError(`cannot reach PostgreSQL at DATABASE_URL: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

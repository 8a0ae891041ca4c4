import { UnreachableError } from '@gateway/config';
import { TEST_SERVER_URL } from '@gateway/testing';
import { waitForPostgres } from './postgres-reachable';

describe('waitForPostgres', () => {
  it('resolves when PostgreSQL answers', async () => {
    await expect(waitForPostgres(TEST_SERVER_URL, 1_000)).resolves.toBeUndefined();
  });

  it('fails at once, in one line without the password, when the database does not exist', async () => {
    const url = new URL(TEST_SERVER_URL);
    url.pathname = '/gw_no_such_database';
    url.password = 'secret-pw';
    const started = Date.now();
    const error = await waitForPostgres(url.toString(), 20_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toMatch(
      /^cannot reach PostgreSQL at DATABASE_URL: .*gw_no_such_database/,
    );
    expect((error as Error).message).not.toContain('secret-pw');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps trying for the grace period when nothing listens, then gives up', async () => {
    const started = Date.now();
    await expect(waitForPostgres('postgres://postgres@127.0.0.1:1/postgres', 1_200)).rejects.toThrow(
      /ECONNREFUSED/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_200);
  });
});

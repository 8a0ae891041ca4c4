// The migration that respells the zones stored before zones were stored canonically: tenants' and
// channels' zones become the IANA zone they name, every spelling of UTC "UTC"; proper names and
// other columns are left alone.
import { createTestDatabase, TestDatabase } from '@gateway/testing';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../data-source-options';
import { runPendingMigrations } from '../run-migrations';
import { CanonicalTimeZones1796740000000 } from './1796740000000-CanonicalTimeZones';

describe('CanonicalTimeZones migration', () => {
  let db: TestDatabase;
  let source: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('canonical_zones');
    source = await new DataSource(dataSourceOptions({ url: db.url, entities: [], poolSize: 2 })).initialize();
    await runPendingMigrations(source);
  });
  afterAll(async () => {
    await source?.destroy();
    await db?.drop();
  });

  it('respells tenants’ and channels’ zones stored as aliases, leaving canonical ones as they are', async () => {
    const tenants = {
      a: 'Asia/Calcutta',
      b: 'asia/kolkata',
      c: 'Etc/UTC',
      d: 'Europe/Paris',
      e: 'US/Pacific',
      f: 'UTC',
    };
    for (const [name, zone] of Object.entries(tenants))
      await source.query(`INSERT INTO tenants (name, timezone) VALUES ($1, $2)`, [name, zone]);
    const channels = { x: 'US/Pacific', y: null, z: 'Europe/Kiev' };
    for (const [name, zone] of Object.entries(channels))
      await source.query(
        `INSERT INTO channels (name, type, base_url, models, day_reset_zone) VALUES ($1, 'openai', 'http://127.0.0.1:9/v1', '{m}', $2)`,
        [name, zone],
      );

    const runner = source.createQueryRunner();
    try {
      await new CanonicalTimeZones1796740000000().up(runner);
      // Run again: nothing left to respell.
      await new CanonicalTimeZones1796740000000().up(runner);
    } finally {
      await runner.release();
    }

    const tenantZones = Object.fromEntries(
      (await source.query(`SELECT name, timezone FROM tenants`)).map((r: { name: string; timezone: string }) => [
        r.name,
        r.timezone,
      ]),
    );
    expect(tenantZones).toEqual({
      a: 'Asia/Kolkata',
      b: 'Asia/Kolkata',
      c: 'UTC',
      d: 'Europe/Paris',
      e: 'America/Los_Angeles',
      f: 'UTC',
    });
    const channelZones = Object.fromEntries(
      (await source.query(`SELECT name, day_reset_zone FROM channels`)).map(
        (r: { name: string; day_reset_zone: string | null }) => [r.name, r.day_reset_zone],
      ),
    );
    expect(channelZones).toEqual({ x: 'America/Los_Angeles', y: null, z: 'Europe/Kyiv' });
  });
});

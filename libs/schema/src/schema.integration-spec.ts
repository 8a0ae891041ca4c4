// The committed migrations are the schema: they apply cleanly, agree exactly with the entities
// (no drift), apply once even when processes race, and revert cleanly.
import { dataSourceOptions, pendingSchemaChanges, runPendingMigrations } from '@gateway/db';
import { createTestDatabase, TestDatabase } from '@gateway/testing';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';

describe('database schema', () => {
  let db: TestDatabase;
  const sources: DataSource[] = [];
  const open = async () => {
    const source = await new DataSource(
      dataSourceOptions({ url: db.url, entities: ENTITIES, poolSize: 2 }),
    ).initialize();
    sources.push(source);
    return source;
  };

  beforeAll(async () => {
    db = await createTestDatabase('schema');
  });
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.destroy()));
    await db.drop();
  });

  it('applies every migration exactly once when several processes start together', async () => {
    const [a, b, c] = await Promise.all([open(), open(), open()]);
    const applied = await Promise.all([a, b, c].map((s) => runPendingMigrations(s)));
    const all = applied.flat();
    expect(all.length).toBe(a.migrations.length);
    expect(new Set(all).size).toBe(all.length);
    const rows: { name: string }[] = await a.query('SELECT name FROM migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(a.migrations.map((m) => m.name));
  });

  it('has no drift between the entities and the migrations (generate a migration if this fails)', async () => {
    const [source] = sources;
    expect(await pendingSchemaChanges(source!)).toEqual([]);
  });

  it('does not synchronize the schema from entities', () => {
    expect(sources[0]!.options.synchronize).toBe(false);
  });

  it('reverts every migration cleanly, leaving no table behind', async () => {
    const source = sources[0]!;
    for (let i = 0; i < source.migrations.length; i++) await source.undoLastMigration();
    const tables: { tablename: string }[] = await source.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`,
    );
    expect(tables.map((t) => t.tablename)).toEqual(['migrations']);
    await runPendingMigrations(source);
    expect(await pendingSchemaChanges(source)).toEqual([]);
  });
});

// The SQLite reader against a real sql.js database: a quota some shops store as "unlimited", near
// SQLite's int64 limit, is read to the unit (a JS number would round it to the nearest 2^11).
import initSqlJs from 'sql.js';
import { integer, text } from '../source-values';
import { openSqliteSource } from './sqlite-source';

describe('openSqliteSource', () => {
  it('reads integers beyond 2^53 exactly, and small ones as before', async () => {
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run(`CREATE TABLE users (id integer PRIMARY KEY, username text, quota bigint, ratio real)`);
    db.run(`INSERT INTO users VALUES (1, 'root', 9223372036854775807, 0.5), (2, 'alice', 1500000, 1)`);
    const source = await openSqliteSource(db.export());
    db.close();
    const [root, alice] = await source.rows('users');
    expect(integer(root!, 'quota')).toBe(9_223_372_036_854_775_807n);
    expect(integer(alice!, 'quota')).toBe(1_500_000n);
    expect([text(root!, 'id'), text(root!, 'username'), text(root!, 'ratio')]).toEqual(['1', 'root', '0.5']);
    await source.close();
  });
});

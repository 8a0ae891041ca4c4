// A NewAPI SQLite file, read in memory by sql.js (WebAssembly): the file itself is never opened for
// writing, so nothing in the source can change.
import type { Database, default as InitSqlJs, Statement } from 'sql.js';
import { NewApiSource, SourceRow, SourceTable } from './newapi-source';

export async function openSqliteSource(bytes: Uint8Array): Promise<NewApiSource> {
  // Required here, at an import's first SQLite file, not by every api process at start (issue #16).
  const initSqlJs = require('sql.js') as typeof InitSqlJs;
  const SQL = await initSqlJs();
  let db: Database;
  try {
    db = new SQL.Database(bytes);
    db.exec('SELECT count(*) FROM sqlite_master');
  } catch (error) {
    throw new SourceUnreadable(`not a SQLite database: ${(error as Error).message}`);
  }
  return {
    dialect: 'sqlite',
    rows: async (table: SourceTable) => {
      const exists = db.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${table}'`);
      if (exists.length === 0) return [];
      const statement = db.prepare(`SELECT * FROM "${table}"`);
      const rows: SourceRow[] = [];
      try {
        // Integers as bigints: a JS number would round a quota beyond 2^53 (some shops keep int64's
        // largest as "unlimited"); source-values reads either.
        while (statement.step()) rows.push(asObject(statement) as SourceRow);
      } finally {
        statement.free();
      }
      return rows;
    },
    columns: async (table: SourceTable) => {
      const found = db.exec(`SELECT name FROM pragma_table_info('${table}')`);
      const names = found[0]?.values.map(([name]) => String(name).toLowerCase()) ?? [];
      return names.length === 0 ? null : names;
    },
    close: async () => db.close(),
  };
}

/** `getAsObject` with sql.js's `useBigInt` option, which its type declarations do not list. */
function asObject(statement: Statement): Record<string, unknown> {
  const withConfig = statement.getAsObject as (
    this: Statement,
    params: undefined,
    config: { useBigInt: boolean },
  ) => Record<string, unknown>;
  return withConfig.call(statement, undefined, { useBigInt: true });
}

/** The source could not be opened or read (a clean 400 / CLI message, not a crash). */
export class SourceUnreadable extends Error {}

// `--from <sqlite file | mysql://… | postgres://…>` (or an uploaded SQLite file) → a NewApiSource.
import { readFile } from 'node:fs/promises';
import { NewApiSource } from './newapi-source';
import { openMysqlSource, openPostgresSource } from './sql-server-source';
import { openSqliteSource, SourceUnreadable } from './sqlite-source';

export function isDatabaseUrl(from: string): boolean {
  return /^(postgres|postgresql|mysql):\/\//i.test(from);
}

/** Opens a database URL, or a SQLite file path (the CLI only: a path is never taken from /api). */
export async function openSource(from: string | Uint8Array): Promise<NewApiSource> {
  if (typeof from !== 'string') return openSqliteSource(from);
  if (/^postgres(ql)?:\/\//i.test(from)) return openPostgresSource(from);
  if (/^mysql:\/\//i.test(from)) return openMysqlSource(from);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(from);
  } catch (error) {
    throw new SourceUnreadable(`cannot read ${from}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return openSqliteSource(bytes);
}

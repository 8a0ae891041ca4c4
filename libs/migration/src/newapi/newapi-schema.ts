// Whether a source is a NewAPI / one-api database at all. Any database has tables named `users` or
// `channels` (this gateway's own too), so the check is on the columns only NewAPI's GORM models give
// them: without it an import of the wrong database would make a tenant of every row it calls a user.
import type { NewApiSource, SourceTable } from './source/newapi-source';

/** NewAPI and one-api have made these columns since their first releases. */
const REQUIRED_COLUMNS: Partial<Record<SourceTable, readonly string[]>> = {
  users: ['id', 'username', 'password', 'quota'],
  tokens: ['id', 'user_id', 'key', 'remain_quota'],
  channels: ['id', 'type', 'key', 'models'],
};

/** What makes the source not a NewAPI database, or null when it is one. */
export async function schemaProblem(source: NewApiSource): Promise<string | null> {
  const problems: string[] = [];
  for (const [table, required] of Object.entries(REQUIRED_COLUMNS) as [SourceTable, readonly string[]][]) {
    const columns = await source.columns(table);
    if (columns === null) {
      problems.push(`no ${table} table`);
      continue;
    }
    const missing = required.filter((column) => !columns.includes(column));
    if (missing.length > 0) problems.push(`${table} has no ${missing.join(', ')}`);
  }
  if (problems.length === 0) return null;
  return `no NewAPI tables (users, tokens, channels) found: ${problems.join('; ')}`;
}

// A NewAPI / one-api database opened read-only: the few tables the importer reads, as plain rows.
// SQLite (a file, read by sql.js: no native build), MySQL and PostgreSQL all answer the same way.

/** A row as the driver returns it; the importer reads every column defensively. */
export type SourceRow = Record<string, unknown>;

export const SOURCE_TABLES = ['channels', 'users', 'tokens', 'options', 'redemptions'] as const;
export type SourceTable = (typeof SOURCE_TABLES)[number];

export interface NewApiSource {
  /** `sqlite`, `mysql` or `postgres`, for the report. */
  readonly dialect: string;
  /** Every row of `table`, or [] when the installation has no such table (older versions). */
  rows(table: SourceTable): Promise<SourceRow[]>;
  /** The table's column names (lower case), or null when there is no such table. */
  columns(table: SourceTable): Promise<string[] | null>;
  close(): Promise<void>;
}

// A NewAPI installation on MySQL or PostgreSQL, read through a READ ONLY transaction so that a typo
// in this code could never write to it.
import type { createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { NewApiSource, SourceRow, SourceTable } from './newapi-source';
import { SourceUnreadable } from './sqlite-source';

export async function openPostgresSource(url: string): Promise<NewApiSource> {
  const client = new Client({ connectionString: url, application_name: 'gateway-import-newapi' });
  try {
    await client.connect();
    await client.query('BEGIN TRANSACTION READ ONLY');
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new SourceUnreadable(`cannot read the PostgreSQL database: ${(error as Error).message}`);
  }
  return {
    dialect: 'postgres',
    rows: async (table: SourceTable) => {
      const found = await client.query(
        `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`,
        [table],
      );
      if (found.rowCount === 0) return [];
      return (await client.query(`SELECT * FROM "${table}"`)).rows as SourceRow[];
    },
    columns: async (table: SourceTable) => {
      const found = await client.query<{ name: string }>(
        `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
        [table],
      );
      return found.rowCount === 0 ? null : found.rows.map((row) => row.name.toLowerCase());
    },
    close: async () => {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    },
  };
}

export async function openMysqlSource(url: string): Promise<NewApiSource> {
  let connection: Awaited<ReturnType<typeof createConnection>>;
  try {
    // Big numbers as strings: quota columns are BIGINT and must not pass through a double.
    // Loaded here, not with the api: only an import from MySQL needs the driver.
    const mysql = await import('mysql2/promise');
    connection = await mysql.createConnection({ uri: url, supportBigNumbers: true, bigNumberStrings: true });
    await connection.query('START TRANSACTION READ ONLY');
  } catch (error) {
    throw new SourceUnreadable(`cannot read the MySQL database: ${(error as Error).message}`);
  }
  return {
    dialect: 'mysql',
    rows: async (table: SourceTable) => {
      const [found] = await connection.query(
        'SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
        [table],
      );
      if ((found as unknown[]).length === 0) return [];
      const [rows] = await connection.query(`SELECT * FROM \`${table}\``);
      return rows as SourceRow[];
    },
    columns: async (table: SourceTable) => {
      const [found] = await connection.query(
        'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?',
        [table],
      );
      const names = (found as { name: string }[]).map((row) => row.name.toLowerCase());
      return names.length === 0 ? null : names;
    },
    close: async () => {
      await connection.query('ROLLBACK').catch(() => undefined);
      await connection.end();
    },
  };
}

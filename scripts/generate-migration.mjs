#!/usr/bin/env node
// `npm run db:migration:generate -- <Name>`: diff the entities against the committed migrations in a
// scratch database, write the new migration to libs/db/src/migrations/, and list it in the index.
// The scratch database lives on the server of DATABASE_URL (default: the local PostgreSQL).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client } = require('pg');

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: npm run db:migration:generate -- <PascalCaseName>');
  process.exit(1);
}
const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const scratch = `gw_migration_scratch_${process.pid}`;
const admin = new Client({ connectionString: server.toString() });
await admin.connect();
await admin.query(`CREATE DATABASE ${scratch}`);
const scratchUrl = new URL(server);
scratchUrl.pathname = `/${scratch}`;
const env = { ...process.env, DATABASE_URL: scratchUrl.toString() };
const dir = 'libs/db/src/migrations';
try {
  execFileSync('node', ['dist/libs/schema/src/migrate.js'], { env, stdio: 'inherit' });
  const before = new Set(readdirSync(dir));
  execFileSync(
    'npx',
    [
      'typeorm',
      'migration:generate',
      '-p',
      '-d',
      'dist/libs/schema/src/cli-data-source.js',
      `${dir}/${name}`,
    ],
    { env, stdio: 'inherit' },
  );
  const file = readdirSync(dir).find((f) => !before.has(f));
  if (file) {
    const className = readFileSync(`${dir}/${file}`, 'utf8').match(/export class (\w+)/)[1];
    const index = readFileSync(`${dir}/index.ts`, 'utf8');
    const importLine = `import { ${className} } from './${file.replace(/\.ts$/, '')}';\n`;
    const updated = (importLine + index).replace(/export const MIGRATIONS = \[([^\]]*)\];/, (_m, list) => {
      const items = list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return `export const MIGRATIONS = [${[...items, className].join(', ')}];`;
    });
    writeFileSync(`${dir}/index.ts`, updated);
    console.log(`listed ${className} in ${dir}/index.ts; review the SQL before committing`);
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await admin.end();
}

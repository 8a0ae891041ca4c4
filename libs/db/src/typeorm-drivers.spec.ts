import { readFileSync } from 'node:fs';
import { runNodeScript } from '@gateway/testing';
import { DEFERRED_DRIVERS } from './typeorm-drivers';

// Runs in a child process: Jest's own module registry does not read Node's module cache, which the
// module under test fills. DEFER=1 imports it first, as the entry points do. Prints which drivers'
// query runners are loaded (each driver loads its own) after TypeORM loads, then what a DataSource
// of another type gets: MySQL's driver constructed (no connection), and an in-memory sql.js
// database initialised and queried.
const SCRIPT = `
(async () => {
  if (process.env.DEFER) require(process.env.MODULE);
  const runners = () => Object.keys(require.cache)
    .map((path) => /\\/typeorm\\/driver\\/([^/]+)\\/[^/]+QueryRunner\\.js$/.exec(path)?.[1])
    .filter(Boolean)
    .sort();
  const { DataSource } = require('typeorm');
  const atLoad = runners();
  const mysql = new DataSource({ type: 'mysql', host: '127.0.0.1', username: 'x', database: 'x' });
  const sqljs = new DataSource({ type: 'sqljs' });
  await sqljs.initialize();
  const rows = await sqljs.query('SELECT 1 + 1 AS two');
  await sqljs.destroy();
  process.stdout.write(JSON.stringify({
    atLoad,
    drivers: [mysql.driver.constructor.name, sqljs.driver.constructor.name],
    rows,
    afterUse: runners(),
  }));
})();
`;

interface Run {
  atLoad: string[];
  drivers: string[];
  rows: unknown;
  afterUse: string[];
}

function run(defer: boolean): Run {
  const stdout = runNodeScript(SCRIPT, {
    MODULE: require.resolve('./typeorm-drivers'),
    DEFER: defer ? '1' : '',
  });
  return JSON.parse(stdout) as Run;
}

describe('TypeORM drivers of other databases (imported by main.ts before TypeORM)', () => {
  it("names every driver DriverFactory requires but PostgreSQL's", () => {
    const factory = readFileSync(require.resolve('typeorm/driver/DriverFactory'), 'utf8');
    const required = [...factory.matchAll(/require\("\.\/([\w-]+\/\w+)"\)/g)].map(([, file]) => file);
    expect(required.length).toBeGreaterThan(10);
    expect(required.filter((file) => file !== 'postgres/PostgresDriver').sort()).toEqual(
      [...DEFERRED_DRIVERS].sort(),
    );
  });

  it('loads none of them with TypeORM, and each the first time a DataSource of its type is made', () => {
    const own = run(false);
    // Left to TypeORM, every driver (and its query runner) loads with it.
    expect(own.atLoad).toEqual(expect.arrayContaining(['mysql', 'oracle', 'postgres', 'sqljs', 'sqlserver']));

    const deferred = run(true);
    expect(deferred.atLoad).toEqual(['postgres']);
    expect(deferred.drivers).toEqual(['MysqlDriver', 'SqljsDriver']);
    expect(deferred.rows).toEqual([{ two: 2 }]);
    expect(deferred.afterUse).toEqual(['mysql', 'postgres', 'sqlite-abstract', 'sqljs']);
  });
});

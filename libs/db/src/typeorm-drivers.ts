// Imported by each process's entry point before anything loads TypeORM (apps/api/src/main.ts,
// apps/worker/src/main.ts; issue #16, idle memory). TypeORM's DriverFactory requires all of its
// drivers when it loads, whatever the DataSource's type: MySQL, SQL Server, Oracle, SAP, Spanner,
// CockroachDB, MongoDB, the SQLite family and the mobile ones, about 1.1 MB of source, parsed and
// kept by V8 in each process, where the gateway connects to PostgreSQL only (api + worker idle,
// seeded, 2 s after start: 201.0-202.2 MB without this, 197.7-199.7 with it; 3 alternating pairs).
//
// Each of those driver modules is put into Node's module cache first as a stand-in whose export
// loads the real module when it is first read: DriverFactory reads it only to construct the
// driver of a DataSource of that type, which still gets its real driver, only later. The list is
// TypeORM's, at the version package-lock.json pins; typeorm-drivers.spec.ts fails if an upgrade
// adds, moves or renames a driver. Jest's own module registry does not read Node's cache: under
// test every driver loads as before.
import { Module } from 'node:module';

/** DriverFactory's drivers other than PostgreSQL's: their module under `typeorm/driver/`, and export. */
export const DEFERRED_DRIVERS: Readonly<Record<string, string>> = {
  'aurora-mysql/AuroraMysqlDriver': 'AuroraMysqlDriver',
  'aurora-postgres/AuroraPostgresDriver': 'AuroraPostgresDriver',
  'better-sqlite3/BetterSqlite3Driver': 'BetterSqlite3Driver',
  'capacitor/CapacitorDriver': 'CapacitorDriver',
  'cockroachdb/CockroachDriver': 'CockroachDriver',
  'cordova/CordovaDriver': 'CordovaDriver',
  'expo/ExpoDriverFactory': 'ExpoDriverFactory',
  'mongodb/MongoDriver': 'MongoDriver',
  'mysql/MysqlDriver': 'MysqlDriver',
  'nativescript/NativescriptDriver': 'NativescriptDriver',
  'oracle/OracleDriver': 'OracleDriver',
  'react-native/ReactNativeDriver': 'ReactNativeDriver',
  'sap/SapDriver': 'SapDriver',
  'spanner/SpannerDriver': 'SpannerDriver',
  'sqljs/SqljsDriver': 'SqljsDriver',
  'sqlite/SqliteDriver': 'SqliteDriver',
  'sqlserver/SqlServerDriver': 'SqlServerDriver',
};

deferTypeOrmDrivers();

/** Puts a stand-in into Node's module cache for each deferred driver not loaded yet. */
function deferTypeOrmDrivers(): void {
  for (const [file, name] of Object.entries(DEFERRED_DRIVERS)) {
    let filename: string;
    try {
      filename = require.resolve(`typeorm/driver/${file}`);
    } catch {
      continue; // not where this version keeps it: loaded as TypeORM does (the spec says so)
    }
    if (require.cache[filename] !== undefined) continue;
    const standIn = new Module(filename, module);
    standIn.filename = filename;
    standIn.loaded = true;
    const exports: Record<string, unknown> = {};
    Object.defineProperty(exports, name, {
      enumerable: true,
      get: () => {
        // The real module takes the stand-in's place in the cache, and answers from then on.
        if (require.cache[filename] === standIn) delete require.cache[filename];
        return (require(filename) as Record<string, unknown>)[name];
      },
    });
    standIn.exports = exports;
    require.cache[filename] = standIn;
  }
}

// Imported by each process's entry point before anything loads TypeORM (apps/api/src/main.ts,
// apps/worker/src/main.ts; issue #16, idle memory). TypeORM's DriverFactory requires all of its
// drivers when it loads, whatever the DataSource's type: MySQL, SQL Server, Oracle, SAP, Spanner,
// CockroachDB, MongoDB, the SQLite family and the mobile ones, about 1.1 MB of source, parsed and
// kept by V8 in each process, where the gateway connects to PostgreSQL only (api + worker idle,
// seeded, 2 s after start: 201.0-202.2 MB without this, 197.7-199.7 with it; 3 alternating pairs).
//
// Each of those driver modules gets a stand-in in Node's module cache first (`deferModule`), which
// loads the real module when it is first read: DriverFactory reads it only to construct the driver
// of a DataSource of that type, which still gets its real driver, only later. The list is
// TypeORM's, at the version package-lock.json pins; typeorm-drivers.spec.ts fails if an upgrade
// adds, moves or renames a driver.
import { deferModule } from '@gateway/common/deferred-module';

/** DriverFactory's drivers other than PostgreSQL's: their module under `typeorm/driver/`. */
export const DEFERRED_DRIVERS: readonly string[] = [
  'aurora-mysql/AuroraMysqlDriver',
  'aurora-postgres/AuroraPostgresDriver',
  'better-sqlite3/BetterSqlite3Driver',
  'capacitor/CapacitorDriver',
  'cockroachdb/CockroachDriver',
  'cordova/CordovaDriver',
  'expo/ExpoDriverFactory',
  'mongodb/MongoDriver',
  'mysql/MysqlDriver',
  'nativescript/NativescriptDriver',
  'oracle/OracleDriver',
  'react-native/ReactNativeDriver',
  'sap/SapDriver',
  'spanner/SpannerDriver',
  'sqljs/SqljsDriver',
  'sqlite/SqliteDriver',
  'sqlserver/SqlServerDriver',
];

for (const file of DEFERRED_DRIVERS) {
  try {
    deferModule(require.resolve(`typeorm/driver/${file}`));
  } catch {
    // not where this version keeps it: loaded as TypeORM does (the spec says so)
  }
}

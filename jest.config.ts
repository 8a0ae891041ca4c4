/** @jest-config-loader esbuild-register */
// One Jest run, three projects: fast units beside the code, integration suites against the real
// Postgres + Redis of this machine, and end-to-end runs of whole processes (and the browser).
import type { Config } from 'jest';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const tsconfig = JSON.parse(readFileSync(`${__dirname}/tsconfig.base.json`, 'utf8'));
const paths: Record<string, string[]> = tsconfig.compilerOptions.paths;
const moduleNameMapper = Object.fromEntries(
  Object.entries(paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true, tsx: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  moduleNameMapper,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/'],
};

const config: Config = {
  // On two cores Jest runs every suite inside its own process, one after another, and that process
  // kept what each suite's modules left behind: past 1 GB within ten suites, and slow enough by the
  // last ones that 500 SDK streams failed to connect. A memory limit makes Jest run the suites in a
  // worker process instead (still one at a time here) and replace it once it has grown past 1 GB.
  workerIdleMemoryLimit: '1GB',
  // Jest's default is a worker per core but one; on two cores that ran the suites one at a time,
  // each mostly waiting on servers, browsers and timers it started (CI: 1,860 s of suites in 1,870 s).
  // Two at a time, at least: every suite has its own database and Redis prefix for this.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts?(x)', '<rootDir>/docs/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.integration-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest/integration-timeout.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,e2e}/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest/e2e-timeout.ts'],
    },
  ],
};

export default config;

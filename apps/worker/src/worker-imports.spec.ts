import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

// What only the api's HTTP surface needs: controllers, DTOs and views load them. The worker serves
// no HTTP, and each of these costs it resident memory for nothing (issue #16).
const HTTP_ONLY = [
  '@nestjs/swagger',
  'class-validator',
  'class-transformer',
  '@nestjs/platform-express',
  'express',
  'multer',
  'sql.js',
];

// Loads the given sources in a fresh node, compiled as Jest compiles them (decorator metadata keeps
// the imports a constructor's types name) with the tsconfig path aliases, and prints, for each
// package of HTTP_ONLY that got loaded, the chain of files that required it.
const LOAD = `
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { transformSync } = require('@swc/core');
const root = process.env.ROOT;
const paths = JSON.parse(readFileSync(root + '/tsconfig.base.json', 'utf8')).compilerOptions.paths;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = paths[request];
  return resolve.call(this, alias ? root + '/' + alias[0] : request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
for (const file of JSON.parse(process.env.FILES)) require(file);
const forbidden = JSON.parse(process.env.HTTP_ONLY);
const found = {};
for (const [file, module] of Object.entries(require.cache)) {
  const name = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file)?.[1];
  if (!forbidden.includes(name) || found[name]) continue;
  const chain = [];
  for (let m = module.parent; m && chain.length < 15; m = m.parent) chain.push(m.filename.replace(root + '/', ''));
  found[name] = chain.filter((f) => !f.includes('node_modules/')).join(' <- ');
}
process.stdout.write(JSON.stringify(found));
`;

function httpOnlyPackagesLoadedBy(files: string[]): Record<string, string> {
  const run = spawnSync(process.execPath, ['-e', LOAD], {
    encoding: 'utf8',
    timeout: 120_000,
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'],
      ROOT,
      FILES: JSON.stringify(files),
      HTTP_ONLY: JSON.stringify(HTTP_ONLY),
    },
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as Record<string, string>;
}

describe("the worker's imports", () => {
  it('reach no HTTP-only package: no controller, DTO or view is loaded by the worker', () => {
    expect(httpOnlyPackagesLoadedBy([join(ROOT, 'apps/worker/src/worker-app.ts')])).toEqual({});
  });

  it("reach none through any lib's domain entry (what worker-side code imports)", () => {
    const entries = readdirSync(join(ROOT, 'libs'))
      .map((lib) => join(ROOT, 'libs', lib, 'src/domain.ts'))
      .filter((file) => existsSync(file));
    expect(entries.length).toBeGreaterThanOrEqual(10);
    expect(httpOnlyPackagesLoadedBy([...entries, join(ROOT, 'libs/common/src/index.ts')])).toEqual({});
  });
});

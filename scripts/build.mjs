#!/usr/bin/env node
// `npm run build` (and the first step of `npm start`): builds the server and the console only when
// their sources changed since the last build. A build leaves a stamp in dist/.build-stamps/ (a hash
// of every source file's path and content); a later run whose hash matches, with the outputs still
// there, skips that build. `--force` builds both regardless.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STAMPS = join(ROOT, 'dist', '.build-stamps');
// Tests are not compiled into dist/: changing one must not cost a rebuild.
const IGNORED = /\.(spec|integration-spec|e2e-spec)\.tsx?$|(^|\/)(__fixtures__|node_modules)(\/|$)/;
const SHARED = ['package-lock.json', 'tsconfig.base.json'];

/** What each build reads, what it writes, and how it is run. */
export const TARGETS = [
  {
    name: 'server',
    inputs: [
      ...SHARED,
      'tsconfig.build.json',
      'apps/api/src',
      'apps/worker/src',
      'apps/mock-upstream/src',
      'libs',
    ],
    outputs: [
      'dist/apps/api/src/launcher/launcher.js',
      'dist/apps/api/src/main.js',
      'dist/apps/worker/src/main.js',
    ],
    script: 'build:server',
  },
  {
    name: 'console',
    inputs: [...SHARED, 'apps/web', 'libs/contracts/src'],
    outputs: ['dist/apps/web/index.html'],
    script: 'build:web',
  },
];

function files(path) {
  const absolute = join(ROOT, path);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [path];
  return readdirSync(absolute, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .filter((file) => !IGNORED.test(file));
}

/** One hash over the sorted paths and contents of a target's inputs (a deleted file changes it too). */
export function fingerprint(target) {
  const hash = createHash('sha256');
  for (const file of [...new Set(target.inputs.flatMap(files))].sort()) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(ROOT, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

const stampFile = (target) => join(STAMPS, `${target.name}.json`);

function upToDate(target, hash) {
  if (!target.outputs.every((output) => existsSync(join(ROOT, output)))) return false;
  try {
    return JSON.parse(readFileSync(stampFile(target), 'utf8')).hash === hash;
  } catch {
    return false;
  }
}

/** Builds what changed; returns the names of the targets it built. */
export function buildWhatChanged({ force = false, log = console.log } = {}) {
  const built = [];
  for (const target of TARGETS) {
    const hash = fingerprint(target);
    if (!force && upToDate(target, hash)) {
      log(`build: ${target.name} is up to date`);
      continue;
    }
    log(`build: building the ${target.name}`);
    const started = Date.now();
    const run = spawnSync('npm', ['run', target.script, '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`build: npm run ${target.script} failed`);
    mkdirSync(STAMPS, { recursive: true });
    // The hash from before the build: a file edited during it makes the next run build again.
    writeFileSync(stampFile(target), JSON.stringify({ hash, builtAt: new Date().toISOString() }) + '\n');
    log(`build: built the ${target.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    built.push(target.name);
  }
  return built;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    buildWhatChanged({ force: process.argv.includes('--force') });
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}

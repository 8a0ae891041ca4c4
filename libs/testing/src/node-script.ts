import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Runs `script` with `node -e` in a child process of its own (V8 flags and Node's module cache are
 * per process, and Jest's module registry is not Node's), TypeScript modules loadable through
 * esbuild-register, from the repository's root. Only PATH and `env` reach it. Returns its stdout;
 * the test fails if it wrote anything to stderr or was killed.
 */
export function runNodeScript(script: string, env: Record<string, string>): string {
  const child = spawnSync(process.execPath, ['-r', 'esbuild-register', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
    cwd: resolve(__dirname, '../../..'),
    env: { PATH: process.env['PATH'], ...env },
  });
  expect(child.stderr).toBe('');
  expect(child.signal).toBeNull();
  return child.stdout;
}

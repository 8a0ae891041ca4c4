import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const MAIN = join(__dirname, 'main.ts');

describe('main (standalone server)', () => {
  it('announces its URL, serves, and exits cleanly on SIGTERM', async () => {
    // esbuild-register runs the TypeScript directly; the benchmark runs tsc's dist/…/main.js.
    const child = spawn(process.execPath, ['-r', 'esbuild-register', MAIN, '--port', '0'], {
      env: { ...process.env, MOCK_UPSTREAM_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (data: Buffer) => {
          stdout += data.toString();
          const match = /^mock-upstream listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
          if (match) resolve(match[1]);
        });
        child.once('exit', () => reject(new Error(`exited early: ${stdout}${stderr}`)));
      });

      const response = await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer sk' } });
      expect(response.status).toBe(200);
      // keep-alive connection still open: SIGTERM must close it rather than wait for it
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    } finally {
      child.kill('SIGKILL');
    }
  }, 20_000);

  it('refuses a bad port with a message and exit code 1', async () => {
    const child = spawn(process.execPath, ['-r', 'esbuild-register', MAIN, '--port', 'nope'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain('invalid port "nope"');
  }, 20_000);
});

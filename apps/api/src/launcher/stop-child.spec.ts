import { spawn } from 'node:child_process';
import { stopChild } from './stop-child';

/** A real Node process running `code`, once it printed "ready" (its handlers are in place by then). */
async function child(code: string) {
  const process_ = spawn(process.execPath, ['-e', `${code}; console.log('ready')`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    process_.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    process_.once('exit', () => reject(new Error('exited before it was ready')));
  });
  return process_;
}

describe('stopChild', () => {
  it('gives a child that exits on SIGTERM its own code', async () => {
    const stopping = await child("process.on('SIGTERM', () => process.exit(3)); setInterval(() => {}, 1000)");
    await expect(stopChild(stopping, 10_000)).resolves.toBe(3);
  });

  it('counts a child SIGTERM ended before it had a handler (still starting) as stopped as asked', async () => {
    const starting = await child('setInterval(() => {}, 1000)');
    await expect(stopChild(starting, 10_000)).resolves.toBe(0);
    expect(starting.signalCode).toBe('SIGTERM');
  });

  it('counts a child it had to SIGKILL as failed', async () => {
    const stuck = await child("process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)");
    await expect(stopChild(stuck, 200)).resolves.toBe(1);
    expect(stuck.signalCode).toBe('SIGKILL');
  });

  it('gives a child that already exited its code, and one a signal ended 1', async () => {
    const done = await child('setTimeout(() => process.exit(5), 10)');
    await new Promise((resolve) => done.once('exit', resolve));
    await expect(stopChild(done, 10_000)).resolves.toBe(5);
    const killed = await child('setInterval(() => {}, 1000)');
    killed.kill('SIGKILL');
    await new Promise((resolve) => killed.once('exit', resolve));
    await expect(stopChild(killed, 10_000)).resolves.toBe(1);
  });
});

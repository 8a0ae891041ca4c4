// The processes a run starts (mock upstream, gateway api and worker, Portkey, Redis): spawned without a
// shell so the pid is the measured process itself, their output kept as a short tail for error reports,
// and stopped on every path: SIGTERM, then SIGKILL if they linger; a synchronous SIGKILL on exit is the
// last resort.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const TAIL_LINES = 40;
const running = new Set();

process.on('exit', () => {
  for (const child of running) child.child.kill('SIGKILL');
});

/** Stops every process started here that is still running, also those still starting up. */
export async function stopAllChildren() {
  // A profiled process writes its profile as it exits, which can take longer than a plain stop.
  const graceMs = process.env.BENCH_PROFILE === '1' ? 30_000 : 5000;
  await Promise.all([...running].map((child) => child.stop(graceMs)));
}

export class ChildProcess {
  /**
   * A node script, run by the same node as the bench.
   * @param {string} name
   * @param {string} script path of a node script
   * @param {string[]} args
   * @param {NodeJS.ProcessEnv} env
   * @param {string[]} [nodeOptions] flags for node itself (e.g. --cpu-prof)
   */
  static node(name, script, args, env, nodeOptions = []) {
    return new ChildProcess(name, process.execPath, [...nodeOptions, script, ...args], env);
  }

  /**
   * @param {string} name
   * @param {string} command an executable (no shell)
   * @param {string[]} argv
   * @param {NodeJS.ProcessEnv} env
   */
  constructor(name, command, argv, env) {
    this.name = name;
    this.tail = [];
    /** Output lines so far (the tail keeps only the last ones). */
    this.lineCount = 0;
    this.exit = null;
    this.child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        running.delete(this);
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    // A spawn failure (ENOENT…) arrives as 'error' and no 'exit'.
    this.child.once('error', (error) => {
      running.delete(this);
      this.exit = { code: null, signal: null, error: error.message };
    });
    this.child.stdout.setEncoding('utf8').on('data', (text) => this.keep(text));
    this.child.stderr.setEncoding('utf8').on('data', (text) => this.keep(text));
  }

  get pid() {
    return this.child.pid;
  }

  /** @param {string} text */
  keep(text) {
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      this.tail.push(line);
      this.lineCount++;
    }
    if (this.tail.length > TAIL_LINES) this.tail.splice(0, this.tail.length - TAIL_LINES);
  }

  /** Resolves with the first output line matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern, timeoutMs) {
    return new Promise((resolve, reject) => {
      let buffer = '';
      const onData = (text) => {
        buffer += text;
        const match = pattern.exec(buffer);
        if (match) done(() => resolve(match));
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(new Error(`${this.name} did not start in ${timeoutMs} ms${this.describeTail()}`)),
          ),
        timeoutMs,
      );
      const onExit = () =>
        done(() => reject(new Error(`${this.name} exited at start${this.describeTail()}`)));
      const done = (settle) => {
        clearTimeout(timer);
        this.child.stdout.off('data', onData);
        this.child.off('exit', onExit);
        settle();
      };
      this.child.stdout.on('data', onData);
      this.child.once('exit', onExit);
    });
  }

  /** The kept lines printed after the first `lineCount` lines (as far as the tail still holds them). */
  linesSince(lineCount) {
    return this.tail.slice(Math.max(0, this.tail.length - (this.lineCount - lineCount)));
  }

  describeTail(lines = 15) {
    const shown = this.tail.slice(-lines);
    return shown.length === 0 ? '' : `; its last output:\n  ${shown.join('\n  ')}`;
  }

  async stop(graceMs = 5000) {
    if (this.exit !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A free TCP port on 127.0.0.1 (the api's PORT must be a real number, not 0). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

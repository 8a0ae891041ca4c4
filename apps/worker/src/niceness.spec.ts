import { runNodeScript } from '@gateway/testing';

// In a child process: niceness, once raised, cannot be lowered again without privilege. The child
// (with V8's threads already running) sets its niceness, starts a Node Worker thread after it, and
// prints the niceness of every thread it has (field 19 of each /proc/self/task/<tid>/stat), as the
// kernel sees them. Linux only, as the worker's hosts are.
const SCRIPT = `
const { readdirSync, readFileSync } = require('fs');
const { Worker } = require('worker_threads');
const { setPriority } = require('os');
const { lowerPriority } = require(process.env.MODULE);
const niceness = () => readdirSync('/proc/self/task').map((tid) =>
  Number(readFileSync('/proc/self/task/' + tid + '/stat', 'utf8').split(') ')[1].split(' ')[16]));
if (process.env.START) setPriority(0, Number(process.env.START));
const result = lowerPriority(Number(process.env.NICENESS));
const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
worker.on('online', () => {
  console.log(JSON.stringify({ result, niceness: niceness() }));
  worker.terminate();
});
`;

function run(env: Record<string, string>): { result: { threads: number }; niceness: number[] } {
  return JSON.parse(runNodeScript(SCRIPT, { MODULE: require.resolve('./niceness'), ...env })) as {
    result: { threads: number };
    niceness: number[];
  };
}

describe('WORKER_NICENESS (lowerPriority)', () => {
  it('sets every thread of the process, and the threads started after it inherit it', () => {
    const { result, niceness } = run({ NICENESS: '10' });
    expect(result.threads).toBeGreaterThan(4);
    // The main thread, V8's threads, and the Worker's threads started afterwards.
    expect(niceness.length).toBeGreaterThan(result.threads);
    expect(new Set(niceness)).toEqual(new Set([10]));
  });

  it('0 leaves the process as it was started', () => {
    const { result, niceness } = run({ NICENESS: '0' });
    expect(result.threads).toBe(0);
    expect(new Set(niceness)).toEqual(new Set([0]));
  });

  it('never lowers a niceness the process was started with that is higher', () => {
    const { niceness } = run({ NICENESS: '5', START: '15' });
    // The main thread, started at 15, stays there; the threads started before it go from 0 to 5.
    expect(niceness[0]).toBe(15);
    expect(Math.min(...niceness)).toBe(5);
  });
});

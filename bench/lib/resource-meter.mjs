// What each participant used while a measurement ran: CPU in % of one core for the load generator (this
// process), the mock, the gateway, Redis and the whole machine (which includes anyone else's work), and
// the commands Redis executed. On a 2-core machine this says at once whether a throughput ratio is a CPU
// limit or something else.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';

const require = createRequire(import.meta.url);
const { Redis } = require('ioredis');

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU ms a process has used so far (Linux /proc), or NaN elsewhere / once it is gone. */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at "state"; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return Number.NaN;
  }
}

/** Busy and total CPU ms of the whole machine (all cores), from /proc/stat. */
function machineCpuMs() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = values[3] + values[4];
    return { busy: ((total - idle) * 1000) / ticksPerSecond, total: (total * 1000) / ticksPerSecond };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

export class ResourceMeter {
  /** @param {{ mockPid: number, gatewayPid: number, redisUrl: string }} targets */
  constructor(targets) {
    this.targets = targets;
    this.redis = new Redis(targets.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  }

  /** Redis's CPU ms and commands executed so far (whole server; commands inside Lua scripts count too). */
  async redisCounters() {
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      const info = await this.redis.info();
      const field = (key) => Number(new RegExp(`^${key}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
      return {
        cpuMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000,
        commands: field('total_commands_processed'),
      };
    } catch {
      return { cpuMs: Number.NaN, commands: Number.NaN };
    }
  }

  async sample() {
    const self = process.cpuUsage();
    const redis = await this.redisCounters();
    return {
      at: performance.now(),
      loadgen: (self.user + self.system) / 1000,
      mock: processCpuMs(this.targets.mockPid),
      gateway: processCpuMs(this.targets.gatewayPid),
      redis: redis.cpuMs,
      redisCommands: redis.commands,
      machine: machineCpuMs(),
    };
  }

  /**
   * % of one core per participant between two samples; machine = % of all cores busy. CPU ms per
   * request stays meaningful on a busy machine, where % and req/s move with everyone else's load.
   */
  static between(start, end, requests) {
    const wall = end.at - start.at;
    const pct = (a, b) => Math.round(((b - a) / wall) * 100);
    const perRequest = (a, b) => (requests > 0 ? Math.round(((b - a) / requests) * 100) / 100 : null);
    const machineTotal = end.machine.total - start.machine.total;
    return {
      mockMsPerRequest: perRequest(start.mock, end.mock),
      // The meter's own INFO call is one of them; negligible against thousands of requests.
      redisCommandsPerRequest: perRequest(start.redisCommands, end.redisCommands),
      gatewayMsPerRequest: perRequest(start.gateway, end.gateway),
      loadgen: pct(start.loadgen, end.loadgen),
      mock: pct(start.mock, end.mock),
      gateway: pct(start.gateway, end.gateway),
      redis: pct(start.redis, end.redis),
      machineBusyOfAllCores: Math.round(((end.machine.busy - start.machine.busy) / machineTotal) * 100),
      cores: cpus().length,
    };
  }

  async close() {
    this.redis.disconnect();
  }
}

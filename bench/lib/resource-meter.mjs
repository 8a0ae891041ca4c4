// What each participant used while a measurement ran: CPU of the load generator (this process), each
// started process (mock, api, worker, Portkey, a private Redis), the PostgreSQL backends serving the
// scratch database, Redis (INFO, when it is not a process of ours), and the whole machine (all cores,
// anyone's work included), plus the commands Redis executed. Per request, these stay meaningful on a busy
// machine, where % and req/s move with everyone else's load.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';

const require = createRequire(import.meta.url);
const { Redis } = require('ioredis');
const { Client } = require('pg');

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

/** The columns of a sample, in report order; `redis` and `postgres` are measured apart from `pids`. */
export const METERED = [
  'loadgen',
  'mock',
  'api',
  'worker',
  'portkey',
  'floor',
  'redis',
  'postgres',
  'machine',
];

export class ResourceMeter {
  /**
   * @param {{ pids: Record<string, number>, redisPid: number | null, redisUrl: string,
   *   postgresUrl: string, databaseName: string | null }} targets pids by METERED name (mock, api, worker,
   *   portkey); databaseName null when PostgreSQL runs elsewhere (its backends' pids are not ours to read)
   */
  constructor(targets) {
    this.targets = targets;
    this.redis = new Redis(targets.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    // Connected to the server's own database, so this client is not one of the backends it meters.
    this.pg = new Client({ connectionString: targets.postgresUrl });
    this.pgConnecting = null;
  }

  /** Redis's CPU ms and commands executed so far (whole server; commands inside Lua scripts count too). */
  async redisCounters() {
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      const info = await this.redis.info();
      const field = (key) => Number(new RegExp(`^${key}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
      const cpuMs =
        this.targets.redisPid === null
          ? (field('used_cpu_user') + field('used_cpu_sys')) * 1000
          : processCpuMs(this.targets.redisPid);
      return { cpuMs, commands: field('total_commands_processed') };
    } catch {
      return { cpuMs: Number.NaN, commands: Number.NaN };
    }
  }

  /** CPU ms so far of each PostgreSQL backend connected to the scratch database (a server on this machine). */
  async postgresBackends() {
    if (this.targets.databaseName === null) return null;
    try {
      this.pgConnecting ??= this.pg.connect();
      await this.pgConnecting;
      const { rows } = await this.pg.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
        this.targets.databaseName,
      ]);
      return new Map(rows.map(({ pid }) => [pid, processCpuMs(pid)]));
    } catch {
      return new Map();
    }
  }

  async sample() {
    const self = process.cpuUsage();
    const [redis, postgres] = await Promise.all([this.redisCounters(), this.postgresBackends()]);
    /** @type {Record<string, number>} */
    const cpuMs = { loadgen: (self.user + self.system) / 1000, redis: redis.cpuMs };
    for (const [name, pid] of Object.entries(this.targets.pids)) cpuMs[name] = processCpuMs(pid);
    return { at: performance.now(), cpuMs, postgres, redisCommands: redis.commands, machine: machineCpuMs() };
  }

  /**
   * Waits (up to `timeoutMs`) until the named processes go quiet: the gateway's worker writes the usage
   * records of a window's last requests after it, and that is part of what they cost.
   * @param {string[]} names @param {number} timeoutMs
   */
  async settle(names, timeoutMs) {
    const pids = names.map((name) => this.targets.pids[name]).filter((pid) => pid !== undefined);
    const used = () => pids.reduce((sum, pid) => sum + (processCpuMs(pid) || 0), 0);
    const deadline = performance.now() + timeoutMs;
    let before = used();
    while (performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const now = used();
      // Quiet: under 4 % of a core together over the last 250 ms.
      if (now - before <= 10) return;
      before = now;
    }
  }

  /**
   * Per METERED name between two samples: CPU ms per request and % of one core (machine: % of all cores
   * busy); Redis commands per request.
   */
  static between(start, end, requests) {
    const wall = end.at - start.at;
    const used = {};
    for (const name of Object.keys(end.cpuMs)) used[name] = end.cpuMs[name] - start.cpuMs[name];
    // A backend that connected during the window used all its CPU in it.
    used.postgres = start.postgres === null || end.postgres === null ? Number.NaN : 0;
    for (const [pid, ms] of end.postgres ?? []) {
      if (Number.isFinite(ms)) used.postgres += ms - (start.postgres.get(pid) ?? 0);
    }
    used.machine = end.machine.busy - start.machine.busy;
    const perRequest = {};
    const percentOfCore = {};
    for (const [name, ms] of Object.entries(used)) {
      perRequest[name] =
        requests > 0 && Number.isFinite(ms) ? Math.round((ms / requests) * 1000) / 1000 : null;
      percentOfCore[name] = Number.isFinite(ms) ? Math.round((ms / wall) * 100) : null;
    }
    const machineTotal = end.machine.total - start.machine.total;
    const commands = end.redisCommands - start.redisCommands;
    return {
      cpuMsPerRequest: perRequest,
      cpuPercentOfCore: percentOfCore,
      machineBusyOfAllCores: Math.round((used.machine / machineTotal) * 100),
      // The meter's own INFO calls are among them; negligible against thousands of requests.
      redisCommandsPerRequest:
        requests > 0 && Number.isFinite(commands) ? Math.round((commands / requests) * 10) / 10 : null,
      wallSeconds: Math.round(wall / 100) / 10,
      cores: cpus().length,
    };
  }

  async close() {
    this.redis.disconnect();
    await this.pg.end().catch(() => undefined);
  }
}

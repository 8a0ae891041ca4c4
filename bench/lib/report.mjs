// The run's report: latest.json (everything measured) and latest.md (the tables a person reads).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { stackMsPerRequest } from './goals.mjs';

/**
 * The commit the checkout is at and what its tracked files change from it, by name (a report whose
 * checkout differs only in Markdown measured the commit's code); null outside git.
 */
export function codeVersion() {
  const git = (...args) =>
    execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const commit = git('rev-parse', '--short', 'HEAD').trim();
    const changed = git('diff', 'HEAD', '--name-only')
      .split('\n')
      .filter((path) => path !== '');
    return changed.length === 0 ? commit : `${commit} ${uncommitted(changed)}`;
  } catch {
    return null;
  }
}

/** "+ uncommitted changes to …", saying whether any of them is more than Markdown. */
function uncommitted(paths) {
  const shown = 4;
  const list = (names) =>
    names.length <= shown
      ? names.join(', ')
      : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
  const code = paths.filter((path) => !/\.md$/i.test(path));
  return code.length === 0
    ? `+ uncommitted changes to Markdown only (${list(paths)})`
    : `+ uncommitted changes to ${list(code)}`;
}

export function machineInfo() {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model?.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${release()}`,
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
    openFilesLimit: openFilesLimit(),
  };
}

/** This process's soft limit on open files (children inherit it), or null outside Linux. */
function openFilesLimit() {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
    return soft === undefined || soft === 'unlimited' ? null : Number(soft);
  } catch {
    return null;
  }
}

/** How a target compares with the mock alone: >0 ms added or <1 throughput ratio is the target's cost. */
export function ratios(direct, other) {
  if (!direct || !other || direct.failed || other.failed) return null;
  const diff = (a, b) => (a && b ? Math.round((b - a) * 100) / 100 : null);
  return {
    throughput:
      direct.requestsPerSecond > 0
        ? Math.round((other.requestsPerSecond / direct.requestsPerSecond) * 1000) / 1000
        : null,
    addedP50Ms: diff(direct.latencyMs?.p50, other.latencyMs?.p50),
    addedP99Ms: diff(direct.latencyMs?.p99, other.latencyMs?.p99),
    addedTtfbP50Ms: diff(direct.ttfbMs?.p50, other.ttfbMs?.p50),
    addedTtfbP99Ms: diff(direct.ttfbMs?.p99, other.ttfbMs?.p99),
  };
}

const cell = (value, suffix = '') => (value === null || value === undefined ? '–' : `${value}${suffix}`);
const signed = (value) => (value === null || value === undefined ? '–' : `${value >= 0 ? '+' : ''}${value}`);
const fixed = (value, digits = 1) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);

/** @param {any} report */
export function markdown(report) {
  const { machine, settings } = report;
  const targets = settings.targets;
  const floor = targets.includes('floor');
  const rows = (each) =>
    report.scenarios.flatMap((s) =>
      targets.flatMap((target) => (s[target] ? [each(s, target, s[target])] : [])),
    );
  const lines = [];
  const busy = machine.loadAverageAtStart[0] >= machine.cpus / 2;
  lines.push(`# Gateway load benchmark, ${report.date.slice(0, 10)}`);
  lines.push('');
  lines.push(
    `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}; ` +
      `load average at start ${machine.loadAverageAtStart.join(' / ')}` +
      (busy
        ? ' (other jobs were already using the machine: req/s, latencies and even CPU ms per request move with their load; ' +
          'compare the targets within this run, and the mock’s own CPU per request with a quiet run’s to see how far)'
        : '') +
      `. Load generator, mock upstream, gateway (api + worker), Portkey, Redis and PostgreSQL share these cores; ` +
      `one target runs at a time.`,
  );
  lines.push('');
  lines.push(
    `Code: ${report.code ?? 'unknown (not a git checkout)'}, as built in dist/. ` +
      `Portkey: ${report.portkeyVersion ? `@portkey-ai/gateway ${report.portkeyVersion}, headless` : 'not run'}. ` +
      `Redis: ${settings.redis === 'private redis-server' ? 'a redis-server of the run’s own' : settings.redis}.`,
  );
  lines.push('');
  lines.push(
    `Closed loop (each of _conc._ clients sends its next request when the previous one ends), ` +
      `${settings.warmupS} s warm-up discarded, then ${settings.durationS} s measured ` +
      `(the 1,000-stream scenario: at least 3 s and 5 s); ` +
      `latencies in ms of successful requests; TTFB = first body byte of a stream; req/s of a stream scenario = streams/s. ` +
      `Targets: **direct** = the mock alone, **gateway** = this gateway (api + worker, every feature on), ` +
      `**portkey** = Portkey's gateway with the mock as its OpenAI provider's custom host` +
      (floor
        ? `; **floor** = a minimal Node relay (bench/lib/floor-relay.mjs: node:http in, undici out, the body parsed ` +
          `and serialised once, the answer passed through; no auth, limits, metering or records), the least a Node ` +
          `gateway costs on this machine`
        : '') +
      `; same body, same mock behaviour.`,
  );
  lines.push('');
  lines.push('## Results');
  lines.push('');
  lines.push('| scenario | conc. | target | req/s | p50 | p95 | p99 | TTFB p50 | TTFB p99 | errors |');
  lines.push('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  lines.push(
    ...rows((s, target, r) =>
      r.failed
        ? `| ${s.title} | ${s.concurrency} | ${target} | failed (${r.failed.split(':')[0]}, see Errors) | – | – | – | – | – | all |`
        : `| ${s.title} | ${s.concurrency} | ${target} | ${fixed(r.requestsPerSecond)} | ${fixed(r.latencyMs?.p50, 2)} | ` +
          `${fixed(r.latencyMs?.p95, 2)} | ${fixed(r.latencyMs?.p99, 2)} | ${fixed(r.ttfbMs?.p50, 2)} | ` +
          `${fixed(r.ttfbMs?.p99, 2)} | ${r.errors === 0 ? '0' : `**${r.errors}**`} |`,
    ),
  );
  lines.push('');
  lines.push('## Against direct');
  lines.push('');
  lines.push(
    '| scenario | conc. | target | throughput ratio | added p50 ms | added p99 ms | added TTFB p50 ms | added TTFB p99 ms |',
  );
  lines.push('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const s of report.scenarios) {
    for (const [target, r] of Object.entries(s.ratios ?? {})) {
      lines.push(
        r === null
          ? `| ${s.title} | ${s.concurrency} | ${target} | failed | – | – | – | – |`
          : `| ${s.title} | ${s.concurrency} | ${target} | ${cell(r.throughput)} | ${signed(r.addedP50Ms)} | ` +
              `${signed(r.addedP99Ms)} | ${signed(r.addedTtfbP50Ms)} | ${signed(r.addedTtfbP99Ms)} |`,
      );
    }
  }
  lines.push('');
  lines.push('## CPU per request');
  lines.push('');
  lines.push(
    `CPU ms per request of each process, counted from just before a run's first request (warm-up included) ` +
      `until its processes went quiet after the last one (responses done, the worker's usage records written), ` +
      `divided by every request of the run: nothing is cut off at a window's edge. ` +
      `**stack** = api + worker + Redis + PostgreSQL for the gateway, Portkey's process for Portkey` +
      (floor ? `, the floor relay's process for the floor; ` : '; ') +
      `PostgreSQL = the backends serving the bench database; **machine** = busy CPU of all ${machine.cpus} cores ` +
      `(/proc/stat: anyone's work, the load generator's and the mock's included) per request, and its busy %. ` +
      `Redis commands per request are the whole Redis server's, commands inside Lua scripts and the worker's included.`,
  );
  lines.push('');
  lines.push(
    `| scenario | conc. | target | load gen. | mock | api | worker | portkey |${floor ? ' floor |' : ''} redis | postgres | stack | machine | machine busy % | Redis cmds/req |`,
  );
  lines.push(
    `| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |${floor ? ' ---: |' : ''} ---: | ---: | ---: | ---: | ---: | ---: |`,
  );
  lines.push(
    ...rows((s, target, r) => {
      const c = r.resources;
      if (!c)
        return `| ${s.title} | ${s.concurrency} | ${target} | – | – | – | – | – |${floor ? ' – |' : ''} – | – | – | – | – | – |`;
      const ms = c.cpuMsPerRequest;
      const own = (name) => (target === 'gateway' && ['api', 'worker'].includes(name)) || target === name;
      const stack =
        target === 'gateway'
          ? stackMsPerRequest(c)
          : ['portkey', 'floor'].includes(target)
            ? ms[target]
            : null;
      return (
        `| ${s.title} | ${s.concurrency} | ${target} | ${fixed(ms.loadgen, 3)} | ${fixed(ms.mock, 3)} | ` +
        `${own('api') ? fixed(ms.api, 3) : '–'} | ${own('worker') ? fixed(ms.worker, 3) : '–'} | ` +
        `${own('portkey') ? fixed(ms.portkey, 3) : '–'} |${floor ? ` ${own('floor') ? fixed(ms.floor, 3) : '–'} |` : ''} ${fixed(ms.redis, 3)} | ${fixed(ms.postgres, 3)} | ` +
        `${fixed(stack, 3)} | ${fixed(ms.machine, 3)} | ${cell(c.machineBusyOfAllCores)} | ${fixed(c.redisCommandsPerRequest, 1)} |`
      );
    }),
  );
  lines.push('');
  lines.push('## Memory');
  lines.push('');
  const idle = report.idleRssMb;
  lines.push(
    `Peak RSS in MB during each scenario (VmRSS sampled every 100 ms). ` +
      (idle
        ? `Idle, seeded, before any load: api ${cell(idle.api)} MB + worker ${cell(idle.worker)} MB = ${cell(idle.total)} MB.`
        : '') +
      (report.idleSettledRssMb
        ? ` Still idle, once V8 gave back its start-up young generation and garbage (${report.idleSettledRssMb.afterS} s after start): ` +
          `api ${cell(report.idleSettledRssMb.api)} MB + worker ${cell(report.idleSettledRssMb.worker)} MB = ${cell(report.idleSettledRssMb.total)} MB.`
        : ''),
  );
  lines.push('');
  lines.push(`| scenario | conc. | target | api | worker | portkey |${floor ? ' floor |' : ''}`);
  lines.push(`| --- | ---: | --- | ---: | ---: | ---: |${floor ? ' ---: |' : ''}`);
  lines.push(
    ...rows((s, target, r) =>
      target === 'direct' || r.failed
        ? null
        : `| ${s.title} | ${s.concurrency} | ${target} | ${fixed(r.peakRssMb?.api)} | ${fixed(r.peakRssMb?.worker)} | ` +
          `${fixed(r.peakRssMb?.portkey)} |${floor ? ` ${fixed(r.peakRssMb?.floor)} |` : ''}`,
    ).filter((row) => row !== null),
  );
  if (report.goals) {
    lines.push('');
    lines.push('## Goal check (issue #16)');
    lines.push('');
    lines.push(
      'Redis round trips per request are not measured here: the hot-path budget test pins them ' +
        '(`npx jest apps/api/test/relay/relay-hot-path-budget.integration-spec.ts`).',
    );
    lines.push('');
    lines.push('| goal | measured | met |');
    lines.push('| --- | ---: | --- |');
    for (const g of report.goals) {
      lines.push(`| ${g.goal} | ${g.measured} | ${g.met === null ? '–' : g.met ? 'met' : '**not met**'} |`);
    }
  }
  const failures = report.scenarios.flatMap((s) =>
    targets.flatMap((target) => [
      ...(s[target]?.failed
        ? [`- ${s.title}, c=${s.concurrency}, ${target}: failed: ${s[target].failed}`]
        : []),
      ...Object.entries(s[target]?.errorKinds ?? {}).map(
        ([kind, e]) => `- ${s.title}, c=${s.concurrency}, ${target}: ${e.count} × \`${kind}\`: ${e.sample}`,
      ),
    ]),
  );
  if (failures.length > 0 || report.problems.length > 0) {
    lines.push('');
    lines.push('## Errors');
    lines.push('');
    lines.push(
      "Only the mock's and the gateway's errors make the run fail (exit code 1); Portkey's are reported.",
    );
    lines.push('');
    lines.push(...failures, ...report.problems.map((problem) => `- ${problem}`));
    if (report.gatewayLogTail.length > 0) {
      lines.push(
        '',
        'Last gateway log lines (api, then worker):',
        '',
        '```',
        ...report.gatewayLogTail,
        '```',
      );
    }
  }
  lines.push('');
  lines.push(`Whole run: ${report.wallSeconds} s.`);
  lines.push('');
  return alignTables(lines).join('\n');
}

/** Pads the columns of each Markdown table (the way Prettier does), so the report also reads well in a terminal. */
function alignTables(lines) {
  const out = [];
  let table = [];
  const flush = () => {
    if (table.length > 0) out.push(...alignTable(table));
    table = [];
  };
  for (const line of lines) {
    if (line.startsWith('|')) {
      table.push(line);
    } else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out;
}

/** @param {string[]} rows header, separator, body rows; no cell contains "|" */
function alignTable(rows) {
  const cells = rows.map((row) =>
    row
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim()),
  );
  const right = cells[1].map((separator) => separator.endsWith(':'));
  const widths = right.map((_, column) =>
    Math.max(3, ...cells.filter((_, r) => r !== 1).map((row) => row[column].length)),
  );
  return cells.map((row, r) => {
    const padded = row.map((cell, column) => {
      const width = widths[column];
      if (r === 1) return right[column] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width);
      return right[column] ? cell.padStart(width) : cell.padEnd(width);
    });
    return `| ${padded.join(' | ')} |`;
  });
}

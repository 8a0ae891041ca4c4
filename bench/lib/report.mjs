// The run's report: latest.json (everything measured) and latest.md (the tables a person reads).
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';

/** The commit the checkout is at, marked when the tracked files differ from it; null outside git. */
export function codeVersion() {
  const git = (...args) =>
    execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const commit = git('rev-parse', '--short', 'HEAD').trim();
    const dirty = git('status', '--porcelain', '--untracked-files=no').trim() !== '';
    return dirty ? `${commit} + uncommitted changes` : commit;
  } catch {
    return null;
  }
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
  };
}

/** How the gateway compares with the mock alone: >1 ms added or <1 throughput ratio is the gateway's cost. */
export function ratios(direct, gateway) {
  const diff = (a, b) => (a && b ? Math.round((b - a) * 100) / 100 : null);
  return {
    throughput:
      direct.requestsPerSecond > 0
        ? Math.round((gateway.requestsPerSecond / direct.requestsPerSecond) * 1000) / 1000
        : null,
    addedP50Ms: diff(direct.latencyMs?.p50, gateway.latencyMs?.p50),
    addedP99Ms: diff(direct.latencyMs?.p99, gateway.latencyMs?.p99),
    addedTtfbP50Ms: diff(direct.ttfbMs?.p50, gateway.ttfbMs?.p50),
    addedTtfbP99Ms: diff(direct.ttfbMs?.p99, gateway.ttfbMs?.p99),
  };
}

const cell = (value, suffix = '') => (value === null || value === undefined ? '–' : `${value}${suffix}`);
const signed = (value) => (value === null || value === undefined ? '–' : `${value >= 0 ? '+' : ''}${value}`);
const fixed = (value, digits = 1) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);

/** @param {any} report */
export function markdown(report) {
  const { machine, settings } = report;
  const lines = [];
  lines.push(`# Gateway load benchmark, ${report.date.slice(0, 10)}`);
  lines.push('');
  lines.push(
    `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}; ` +
      `load average at start ${machine.loadAverageAtStart.join(' / ')}. ` +
      `Load generator, mock upstream, gateway, Redis and PostgreSQL share these cores.`,
  );
  lines.push('');
  lines.push(`Code: ${report.code ?? 'unknown (not a git checkout)'}, as built in dist/.`);
  lines.push('');
  lines.push(
    `Closed loop (each of _conc._ clients sends its next request when the previous one ends), ` +
      `${settings.warmupS} s warm-up discarded, then ${settings.durationS} s measured; ` +
      `latencies in ms of successful requests; TTFB = first body byte of a stream. ` +
      `Each scenario runs first directly against the mock, then through the gateway (same body, same mock behaviour).`,
  );
  lines.push('');
  lines.push('## Results');
  lines.push('');
  lines.push('| scenario | conc. | target | req/s | p50 | p95 | p99 | TTFB p50 | TTFB p99 | errors |');
  lines.push('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of report.scenarios) {
    for (const target of ['direct', 'gateway']) {
      const r = s[target];
      if (!r) continue;
      lines.push(
        `| ${s.title} | ${s.concurrency} | ${target} | ${fixed(r.requestsPerSecond)} | ${fixed(r.latencyMs?.p50, 2)} | ` +
          `${fixed(r.latencyMs?.p95, 2)} | ${fixed(r.latencyMs?.p99, 2)} | ${fixed(r.ttfbMs?.p50, 2)} | ` +
          `${fixed(r.ttfbMs?.p99, 2)} | ${r.errors === 0 ? '0' : `**${r.errors}**`} |`,
      );
    }
  }
  lines.push('');
  lines.push('## Gateway vs direct');
  lines.push('');
  lines.push('| scenario | conc. | throughput ratio | added p50 ms | added p99 ms | added TTFB p50 ms |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const s of report.scenarios) {
    if (!s.ratio) continue;
    const r = s.ratio;
    lines.push(
      `| ${s.title} | ${s.concurrency} | ${cell(r.throughput)} | ${signed(r.addedP50Ms)} | ` +
        `${signed(r.addedP99Ms)} | ${signed(r.addedTtfbP50Ms)} |`,
    );
  }
  lines.push('');
  lines.push(`## Resources during the measured window`);
  lines.push('');
  lines.push(
    `CPU in % of one core; machine = % of all ${machine.cpus} cores busy (anyone's work, not only this run's); ` +
      `Redis commands per request count those inside Lua scripts, server-wide.`,
  );
  lines.push('');
  lines.push(
    '| scenario | conc. | target | load gen. % | mock % | gateway % | redis % | machine % | mock CPU ms/req | gateway CPU ms/req | Redis cmds/req |',
  );
  lines.push('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of report.scenarios) {
    for (const target of ['direct', 'gateway']) {
      const c = s[target]?.resources;
      if (!c) continue;
      lines.push(
        `| ${s.title} | ${s.concurrency} | ${target} | ${cell(c.loadgen)} | ${cell(c.mock)} | ${cell(c.gateway)} | ` +
          `${cell(c.redis)} | ${cell(c.machineBusyOfAllCores)} | ${fixed(c.mockMsPerRequest, 2)} | ` +
          `${target === 'gateway' ? fixed(c.gatewayMsPerRequest, 2) : '–'} | ${fixed(c.redisCommandsPerRequest, 1)} |`,
      );
    }
  }
  const failures = report.scenarios.flatMap((s) =>
    ['direct', 'gateway'].flatMap((target) =>
      Object.entries(s[target]?.errorKinds ?? {}).map(
        ([kind, e]) => `- ${s.title}, c=${s.concurrency}, ${target}: ${e.count} × \`${kind}\`: ${e.sample}`,
      ),
    ),
  );
  if (failures.length > 0 || report.problems.length > 0) {
    lines.push('');
    lines.push('## Errors');
    lines.push('');
    lines.push(...failures, ...report.problems.map((problem) => `- ${problem}`));
    if (report.gatewayLogTail.length > 0) {
      lines.push('', 'Last gateway log lines:', '', '```', ...report.gatewayLogTail, '```');
    }
  }
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

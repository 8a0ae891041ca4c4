// The Dockerfile and docker-compose.yml keep what a small host needs (no Docker daemon is required:
// both files are read and checked). The entrypoint's heap sizing is run for real with a fake cgroup.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');
const MB = 1024 * 1024;

/** Dockerfile instructions, continuation lines joined, grouped by stage. */
function dockerfileStages(text: string): { name: string; lines: string[] }[] {
  const stages: { name: string; lines: string[] }[] = [];
  const joined = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of joined) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ name: from[1] ?? `stage${stages.length}`, lines: [] });
    stages.at(-1)?.lines.push(line);
  }
  return stages;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- compose files are untyped YAML */
type Service = any;

describe('Dockerfile', () => {
  const stages = dockerfileStages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const runtime = stages.at(-1)!;
  const has = (pattern: RegExp) => runtime.lines.some((line) => pattern.test(line));

  it('is multi-stage, and the runtime stage gets production dependencies and dist/ only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const copies = runtime.lines.filter((line) => /^COPY\b/i.test(line));
    const deps = stages.find((s) => s.lines.some((l) => /npm ci\b.*--omit=dev/.test(l)));
    expect(deps).toBeDefined();
    expect(copies).toContainEqual(
      expect.stringMatching(new RegExp(`--from=${deps!.name}\\s+/app/node_modules`)),
    );
    // Nothing from the build stage's node_modules (dev dependencies), no sources, no tests.
    expect(copies.filter((l) => /node_modules/.test(l) && !l.includes(`--from=${deps!.name}`))).toEqual([]);
    for (const line of copies)
      expect(line).not.toMatch(/COPY\s+(--\S+\s+)*\.\s|\/(apps|libs|e2e)\b|\.spec\./);
  });

  it('runs as a non-root user, with a HEALTHCHECK and OCI labels', () => {
    const users = runtime.lines.filter((line) => /^USER\s/i.test(line));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|\s|$)/i);
    expect(has(/^HEALTHCHECK\s+.*CMD/i)).toBe(true);
    for (const label of ['title', 'version', 'revision', 'source', 'licenses'])
      expect(has(new RegExp(`org\\.opencontainers\\.image\\.${label}=`))).toBe(true);
    expect(has(/^ENTRYPOINT\s+\["deploy\/docker\/entrypoint\.sh"\]/)).toBe(true);
  });
});

describe('deploy/docker/entrypoint.sh', () => {
  function heapFlag(limit: string | null, nodeOptions = ''): string {
    const cgroup = mkdtempSync(join(tmpdir(), 'gw-cgroup-'));
    const script = readFileSync(join(ROOT, 'deploy/docker/entrypoint.sh'), 'utf8').replace(
      '/sys/fs/cgroup/memory.max',
      join(cgroup, 'memory.max'),
    );
    if (limit !== null) writeFileSync(join(cgroup, 'memory.max'), `${limit}\n`);
    const entry = join(cgroup, 'entrypoint.sh');
    writeFileSync(entry, script, { mode: 0o755 });
    // The role falls through to `exec "$@"`: a shell that prints the NODE_OPTIONS node would get.
    return execFileSync(entry, ['sh', '-c', 'printf %s "$NODE_OPTIONS"'], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], NODE_OPTIONS: nodeOptions },
    }).trim();
  }

  it("sizes Node's heap from the container's memory limit", () => {
    expect(heapFlag(String(384 * MB))).toBe('--max-old-space-size=288');
    expect(heapFlag('max')).toBe('');
    expect(heapFlag(String(384 * MB), '--max-old-space-size=100')).toBe('--max-old-space-size=100');
  });
});

describe('docker-compose.yml on a 1 GB host', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
  const services: Record<string, Service> = compose.services;
  const bytes = (value: string) => {
    const match = /^(\d+(?:\.\d+)?)([kmg])?b?$/i.exec(value);
    if (!match) throw new Error(`not a size: ${value}`);
    return (
      Number(match[1]) *
      ({ k: 1024, m: MB, g: 1024 * MB } as Record<string, number>)[(match[2] ?? '').toLowerCase()]!
    );
  };
  const limits = (name: string) => services[name].deploy.resources.limits;

  it('runs PostgreSQL, Redis, the api and the worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'postgres', 'redis', 'worker']);
  });

  it('caps every service, the api within 384 MB, all together under 1 GB', () => {
    const total = Object.keys(services).reduce((sum, name) => sum + bytes(limits(name).memory), 0);
    expect(bytes(limits('api').memory)).toBeLessThanOrEqual(384 * MB);
    expect(total).toBeLessThanOrEqual(900 * MB);
    for (const name of Object.keys(services)) expect(Number(limits(name).cpus)).toBeGreaterThan(0);
    expect(services['api'].environment.HEAP_PERCENT).toBeDefined();
  });

  it('binds published ports to 127.0.0.1 unless BIND_ADDRESS opens them', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) {
        expect([name, port]).toEqual([name, expect.stringMatching(/^\$\{BIND_ADDRESS:-127\.0\.0\.1\}:/)]);
      }
    }
    expect(services['api'].ports).toHaveLength(1);
  });

  it('rotates every service’s logs and health-checks every service, the worker included', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, service.logging.driver]).toEqual([name, 'json-file']);
      expect(service.logging.options['max-size']).toBeDefined();
      expect(service.logging.options['max-file']).toBeDefined();
      expect([name, service.healthcheck?.test]).toEqual([name, expect.any(Array)]);
    }
    expect(services['worker'].environment.WORKER_HEARTBEAT_FILE).toBeDefined();
  });

  it('lets the gateway reach the host, and stop gracefully', () => {
    for (const name of ['api', 'worker']) {
      expect(services[name].extra_hosts).toContain('host.docker.internal:host-gateway');
    }
    const grace = services['api'].environment.SHUTDOWN_GRACE_MS.match(/(\d+)\}?$/)[1];
    expect(parseInt(services['api'].stop_grace_period, 10) * 1000).toBeGreaterThan(Number(grace));
  });
});

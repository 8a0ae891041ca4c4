// Redis topologies a test starts for itself on loopback ports, from the machine's redis-server: a
// cluster of three masters, or one master watched by a Sentinel. Each stops (and deletes its files)
// when the test calls stop(); nothing outlives the test process (the servers are its children).
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { waitFor } from './wait-for';

const run = promisify(execFile);

export interface LocalRedisTopology {
  /** redis://127.0.0.1:PORT of one cluster node, or of the master behind the sentinel. */
  url: string;
  ports: number[];
  /** Sentinel only: "127.0.0.1:PORT". */
  sentinels?: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function startServer(dir: string, args: string[]): ChildProcess {
  const child = spawn('redis-server', args, { cwd: dir, stdio: 'ignore' });
  child.on('error', () => undefined);
  return child;
}

async function answers(port: number): Promise<boolean> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    // A probe of a server not up yet ends a socket that never connected, whose close ioredis then
    // waits for with a ref'd timer (2 s by default): the suite's process would outlive its tests.
    disconnectTimeout: 50,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function stopper(children: ChildProcess[], dir: string): () => Promise<void> {
  return async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
}

/** Three masters, no replicas, every slot assigned; resolves once the cluster says `ok`. */
export async function startRedisCluster(): Promise<LocalRedisTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-redis-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children = ports.map((port) =>
    startServer(dir, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dbfilename',
      `dump-${port}.rdb`,
    ]),
  );
  const stop = stopper(children, dir);
  try {
    for (const port of ports)
      await waitFor(
        `redis-server on :${port}`,
        async () => ((await answers(port)) ? true : undefined),
        10_000,
        50,
      );
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((p) => `127.0.0.1:${p}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const port of ports) {
      await waitFor(
        `cluster ok on :${port}`,
        async () => {
          const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
          return /cluster_state:ok/.test(stdout) ? true : undefined;
        },
        20_000,
        100,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${ports[0]}`, ports, stop };
}

/** One master and one Sentinel watching it as `mymaster`. */
export async function startRedisWithSentinel(name = 'mymaster'): Promise<LocalRedisTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-redis-sentinel-'));
  const [masterPort, sentinelPort] = [await freePort(), await freePort()];
  const master = startServer(dir, [
    '--port',
    String(masterPort),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  const config = join(dir, 'sentinel.conf');
  writeFileSync(
    config,
    [
      `port ${sentinelPort}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
      `sentinel down-after-milliseconds ${name} 2000`,
      '',
    ].join('\n'),
  );
  const sentinel = startServer(dir, [config, '--sentinel']);
  const stop = stopper([master, sentinel], dir);
  try {
    await waitFor('the master', async () => ((await answers(masterPort)) ? true : undefined), 10_000, 50);
    await waitFor(
      'the sentinel',
      async () => {
        const { stdout } = await run('redis-cli', [
          '-p',
          String(sentinelPort),
          'sentinel',
          'get-master-addr-by-name',
          name,
        ]).catch(() => ({ stdout: '' }));
        return stdout.includes(String(masterPort)) ? true : undefined;
      },
      10_000,
      100,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${masterPort}`,
    ports: [masterPort],
    sentinels: `127.0.0.1:${sentinelPort}`,
    stop,
  };
}

// How the gateway reaches Redis: one server (REDIS_URL), a Redis Cluster (REDIS_CLUSTER, REDIS_URL
// one of its nodes) or a master found through Sentinel (REDIS_SENTINELS). Every connection the
// gateway opens — the shared client, BullMQ's, pub/sub and blocking readers — comes from here.
import type { AppConfig } from '@gateway/config';
import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import { redisOptionsFromUrl } from './redis-options';

export type RedisTopology = Pick<
  AppConfig,
  'REDIS_URL' | 'REDIS_CLUSTER' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME'
>;

/**
 * A client for the configured topology. A Cluster answers every command the gateway sends (each
 * multi-key script stays in one slot: REDIS_PREFIX is one hash tag there), so it is handed out under
 * the Redis type the rest of the code knows; `duplicateRedis` and `scanTargets` are where the two differ.
 */
export function connectRedis(topology: RedisTopology, options: RedisOptions = {}): Redis {
  if (topology.REDIS_CLUSTER) {
    const { host, port, username, password, tls } = redisOptionsFromUrl(topology.REDIS_URL);
    const cluster = new Cluster([{ host, port }], clusterOptions({ username, password, tls, ...options }));
    return cluster as unknown as Redis;
  }
  return new Redis({ ...serverOptions(topology), ...options });
}

/** Another connection like `redis` (a subscriber or a blocking reader needs one of its own). */
export function duplicateRedis(redis: Redis, options: RedisOptions = {}): Redis {
  if (redis instanceof Cluster) {
    const cluster = redis as Cluster;
    return cluster.duplicate(undefined, {
      redisOptions: { ...cluster.options.redisOptions, ...options },
    }) as unknown as Redis;
  }
  return redis.duplicate(options);
}

/**
 * The servers a SCAN must visit to see every key of the deployment: each master of a cluster (SCAN
 * walks one server's keys, and a Cluster client would send it to any node), else the client itself.
 */
export function scanTargets(redis: Redis): Redis[] {
  if (redis instanceof Cluster) return (redis as Cluster).nodes('master');
  return [redis];
}

/**
 * What BullMQ connects with. Options where they suffice (each queue and worker then opens and closes
 * its own connections); on a cluster, one Cluster client that BullMQ shares and duplicates for its
 * blocking workers — the caller closes it at shutdown. Workers need commands that wait however long.
 */
export function bullConnection(topology: RedisTopology): RedisOptions | Cluster {
  if (topology.REDIS_CLUSTER) {
    return connectRedis(topology, {
      maxRetriesPerRequest: null,
      connectionName: 'gateway-bull',
    }) as unknown as Cluster;
  }
  return serverOptions(topology);
}

/** One server's options, or the master's behind Sentinel (the sentinels themselves without auth). */
function serverOptions(topology: RedisTopology): RedisOptions {
  const server = redisOptionsFromUrl(topology.REDIS_URL);
  if (!topology.REDIS_SENTINELS) return server;
  const { host: _host, port: _port, ...master } = server;
  return {
    ...master,
    sentinels: topology.REDIS_SENTINELS.split(',').map(hostPort),
    name: topology.REDIS_SENTINEL_NAME,
  };
}

function clusterOptions(redisOptions: RedisOptions): ClusterOptions {
  const { maxRetriesPerRequest, enableAutoPipelining, lazyConnect, retryStrategy, ...perNode } = redisOptions;
  return {
    redisOptions: { ...perNode, maxRetriesPerRequest },
    enableAutoPipelining,
    lazyConnect,
    // A caller that gives up at once (the startup probe) gives up on the cluster at once too.
    ...(retryStrategy && retryStrategy(1) === null ? { clusterRetryStrategy: () => null } : {}),
    slotsRefreshTimeout: 2_000,
  };
}

function hostPort(pair: string): { host: string; port: number } {
  const at = pair.lastIndexOf(':');
  return { host: pair.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(pair.slice(at + 1)) };
}

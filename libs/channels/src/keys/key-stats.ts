// Live counters of a key, kept in Redis by the relay (not in PostgreSQL: they change on every request).
import type Redis from 'ioredis';

export const KEY_STATS_FIELDS = ['cooldownUntil', 'last429At', 'totalRequests', 'totalTokens'] as const;

export interface KeyStats {
  /** ISO time until which the relay skips the key; null when not cooling down. */
  cooldownUntil: string | null;
  last429At: string | null;
  totalRequests: number;
  totalTokens: number;
}

/** The hash the relay writes for a key: `${REDIS_PREFIX}:key:<keyId>`. */
export function keyStatsRedisKey(prefix: string, keyId: string): string {
  return `${prefix}:key:${keyId}`;
}

/** A stored time as ISO: epoch milliseconds or an ISO string; anything else counts as absent. */
function timeOf(raw: string | null): string | null {
  if (raw === null || raw === '') return null;
  const date = /^\d+$/.test(raw) ? new Date(Number(raw)) : new Date(raw);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function countOf(raw: string | null): number {
  const value = raw === null ? 0 : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Stats for many keys in one round trip; absent hashes or fields read as null / 0. */
export async function readKeyStats(
  redis: Redis,
  prefix: string,
  keyIds: string[],
): Promise<Map<string, KeyStats>> {
  const stats = new Map<string, KeyStats>();
  if (keyIds.length === 0) return stats;
  const pipeline = redis.pipeline();
  for (const id of keyIds) pipeline.hmget(keyStatsRedisKey(prefix, id), ...KEY_STATS_FIELDS);
  const replies = (await pipeline.exec()) ?? [];
  keyIds.forEach((id, index) => {
    const [error, values] = replies[index] ?? [null, []];
    const [cooldownUntil = null, last429At = null, totalRequests = null, totalTokens = null] = error
      ? []
      : ((values as (string | null)[]) ?? []);
    stats.set(id, {
      cooldownUntil: timeOf(cooldownUntil),
      last429At: timeOf(last429At),
      totalRequests: countOf(totalRequests),
      totalTokens: countOf(totalTokens),
    });
  });
  return stats;
}

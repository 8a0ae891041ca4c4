// Live counters of a key, kept in Redis by the relay (not in PostgreSQL: they change on every request).
import type Redis from 'ioredis';

export const KEY_STATS_FIELDS = ['cooldownUntil', 'last429At', 'totalRequests', 'totalTokens'] as const;

export interface KeyStats {
  /** ISO time until which the relay skips the key; null when not cooling down. */
  cooldownUntil: string | null;
  /** Why the key cools: `rate_limited` (a 429) or `out_of_credit` (402, insufficient_quota). */
  cooldownReason: string | null;
  /** Models cooling on this key only (a 429 for that model), model → ISO time; in force ones only. */
  modelCooldowns: Record<string, string>;
  /** ISO time until which no relay takes the key because the upstream refused it (then it is auto-disabled). */
  refusedUntil: string | null;
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
  now = Date.now(),
): Promise<Map<string, KeyStats>> {
  const stats = new Map<string, KeyStats>();
  if (keyIds.length === 0) return stats;
  const pipeline = redis.pipeline();
  for (const id of keyIds) pipeline.hgetall(keyStatsRedisKey(prefix, id));
  const replies = (await pipeline.exec()) ?? [];
  keyIds.forEach((id, index) => {
    const [error, values] = replies[index] ?? [null, {}];
    const hash = error ? {} : ((values as Record<string, string> | null) ?? {});
    const field = (name: string) => hash[name] ?? null;
    const cooldownUntil = inForce(field('cooldownUntil'), now);
    const modelCooldowns: Record<string, string> = {};
    for (const [name, value] of Object.entries(hash)) {
      if (!name.startsWith('cd:')) continue;
      const until = inForce(value, now);
      if (until !== null) modelCooldowns[name.slice(3)] = until;
    }
    stats.set(id, {
      cooldownUntil,
      cooldownReason: cooldownUntil === null ? null : (field('cooldownReason') ?? 'rate_limited'),
      modelCooldowns,
      refusedUntil: inForce(field('invalidUntil'), now),
      last429At: timeOf(field('last429At')),
      totalRequests: countOf(field('totalRequests')),
      totalTokens: countOf(field('totalTokens')),
    });
  });
  return stats;
}

/** A stored time as ISO when it is still ahead of `now`, else null. */
function inForce(raw: string | null, now: number): string | null {
  const iso = timeOf(raw);
  return iso !== null && Date.parse(iso) > now ? iso : null;
}

/** A key's cooldown as the relay set it, for the health probes. */
export interface KeyCooldown {
  /** ms epoch. */
  until: number;
  /** true when it is the relay's exponential guess (a 429 without Retry-After). */
  guessed: boolean;
  /** ms epoch of the 429 that started it, when known. */
  last429At: number | null;
}

/** The cooldowns in force (until > now) of many keys, in one round trip. */
export async function readKeyCooldowns(
  redis: Redis,
  prefix: string,
  keyIds: string[],
  now: number,
): Promise<Map<string, KeyCooldown>> {
  const found = new Map<string, KeyCooldown>();
  if (keyIds.length === 0) return found;
  const pipeline = redis.pipeline();
  for (const id of keyIds)
    pipeline.hmget(keyStatsRedisKey(prefix, id), 'cooldownUntil', 'cooldownGuessed', 'last429At');
  const replies = (await pipeline.exec()) ?? [];
  keyIds.forEach((id, index) => {
    const [error, values] = replies[index] ?? [null, []];
    if (error) return;
    const [until, guessed, last429At] = (values as (string | null)[] | null) ?? [];
    const untilMs = Number(until ?? 0);
    if (!Number.isFinite(untilMs) || untilMs <= now) return;
    const at = Number(last429At ?? NaN);
    found.set(id, { until: untilMs, guessed: guessed === '1', last429At: Number.isFinite(at) ? at : null });
  });
  return found;
}

/** A model cooling on one key (`cd:<model>`), as the relay set it. */
export interface ModelCooldown {
  /** The upstream model's name. */
  model: string;
  /** ms epoch. */
  until: number;
  /** true when it is the relay's exponential guess (`cdg:<model>`: a 429 without Retry-After). */
  guessed: boolean;
}

/** Per key: its models cooling now (until > now), and the time of the key's last 429, in one round trip. */
export async function readModelCooldowns(
  redis: Redis,
  prefix: string,
  keyIds: string[],
  now: number,
): Promise<Map<string, { models: ModelCooldown[]; last429At: number | null }>> {
  const found = new Map<string, { models: ModelCooldown[]; last429At: number | null }>();
  if (keyIds.length === 0) return found;
  const pipeline = redis.pipeline();
  for (const id of keyIds) pipeline.hgetall(keyStatsRedisKey(prefix, id));
  const replies = (await pipeline.exec()) ?? [];
  keyIds.forEach((id, index) => {
    const [error, values] = replies[index] ?? [null, {}];
    if (error) return;
    const hash = (values as Record<string, string> | null) ?? {};
    const models: ModelCooldown[] = [];
    for (const [name, value] of Object.entries(hash)) {
      if (!name.startsWith('cd:')) continue;
      const until = Number(value);
      if (!Number.isFinite(until) || until <= now) continue;
      const model = name.slice(3);
      models.push({ model, until, guessed: hash[`cdg:${model}`] === '1' });
    }
    if (models.length === 0) return;
    const at = Number(hash['last429At'] ?? NaN);
    found.set(id, { models, last429At: Number.isFinite(at) ? at : null });
  });
  return found;
}

/**
 * Ends one model's cooldown on a key (and its backoff streak), only if it is still the cooldown
 * `onlyIfUntil`: a newer 429 that cooled the model again wins. Returns whether it was cleared.
 */
export async function clearModelCooldown(
  redis: Redis,
  prefix: string,
  keyId: string,
  model: string,
  onlyIfUntil: number,
): Promise<boolean> {
  const cleared = await redis.eval(
    CLEAR_MODEL_COOLDOWN,
    1,
    keyStatsRedisKey(prefix, keyId),
    model,
    String(onlyIfUntil),
  );
  return cleared === 1;
}

const CLEAR_MODEL_COOLDOWN = `
if redis.call('HGET', KEYS[1], 'cd:' .. ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], 'cd:' .. ARGV[1], 'cdg:' .. ARGV[1], 'strikes:' .. ARGV[1])
return 1
`;

/**
 * Ends a key's cooldown (and its backoff streak) so the relay uses the key at once. With
 * `onlyIfUntil`, only if the cooldown is still that one: a newer 429 that cooled the key again wins.
 * Returns whether a cooldown was cleared.
 */
export async function clearKeyCooldown(
  redis: Redis,
  prefix: string,
  keyId: string,
  onlyIfUntil?: number,
): Promise<boolean> {
  const cleared = await redis.eval(
    CLEAR_COOLDOWN,
    1,
    keyStatsRedisKey(prefix, keyId),
    onlyIfUntil === undefined ? '' : String(onlyIfUntil),
  );
  return cleared === 1;
}

// Without `onlyIfUntil` (the console's reset), the per-model cooldowns go too.
const CLEAR_COOLDOWN = `
local current = redis.call('HGET', KEYS[1], 'cooldownUntil')
if ARGV[1] ~= '' and current ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], 'cooldownUntil', 'cooldownGuessed', 'cooldownReason', 'strikes')
local cleared = current and 1 or 0
if ARGV[1] == '' then
  for _, name in ipairs(redis.call('HKEYS', KEYS[1])) do
    if string.sub(name, 1, 3) == 'cd:' then cleared = 1 end
    if string.sub(name, 1, 3) == 'cd:' or string.sub(name, 1, 4) == 'cdg:' or string.sub(name, 1, 8) == 'strikes:' then
      redis.call('HDEL', KEYS[1], name)
    end
  end
end
return cleared
`;

/** Lifts the relay's refusal of a key (its 401/403 bridge) once the key is enabled again. */
export async function clearKeyRefusal(redis: Redis, prefix: string, keyId: string): Promise<void> {
  await redis.hdel(keyStatsRedisKey(prefix, keyId), 'invalidUntil');
}

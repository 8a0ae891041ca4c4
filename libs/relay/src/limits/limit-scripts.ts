// The relay's atomic Redis operations (docs/design.md invariants 4 and 5), one Lua script each, so that
// a check and its increment cannot be split by another API process. Windows are fixed: a minute
// (`:m:<epoch minute>`) and a UTC day (`:d:<epoch day>`), hashes of r (requests) and t (tokens).
// A limit of -1 means "none".

/**
 * Token admission. KEYS: minute window. ARGV: rpm, tpm, estimated tokens, window ttl ms.
 * Returns 0 (admitted, counted), 1 (rpm reached) or 2 (tpm reached). A request larger than the
 * whole tpm is admitted into an empty window: refusing it would make the client retry forever.
 */
export const ADMIT_TOKEN = `
local r = tonumber(redis.call('HGET', KEYS[1], 'r') or '0')
local t = tonumber(redis.call('HGET', KEYS[1], 't') or '0')
local rpm = tonumber(ARGV[1])
local tpm = tonumber(ARGV[2])
local est = tonumber(ARGV[3])
if rpm >= 0 and r + 1 > rpm then return 1 end
if tpm >= 0 and (t >= tpm or (t > 0 and t + est > tpm)) then return 2 end
redis.call('HINCRBY', KEYS[1], 'r', 1)
redis.call('HINCRBY', KEYS[1], 't', est)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 0
`;

/**
 * Takes one request's slot on the first usable key of a list (the router's order), in one round trip
 * whatever the pool size. Each candidate is a (key, upstream model) pair: providers limit and cool a
 * model on a key, not only the key. KEYS: per candidate its stats hash, minute window, day window,
 * and the (key, model) minute and day windows. ARGV: now ms, estimated tokens, minute ttl ms, day ttl
 * ms, then per candidate rpm, tpm, rpd, tpd, the model's rpm, tpm, rpd, tpd, and the model name.
 * In the stats hash, `cooldownUntil` cools the whole key, `cd:<model>` one model on it, and
 * `invalidUntil` bridges a key the upstream refused until every relay has reloaded without it.
 * Returns {index of the key taken (1-based; 0 when none), soonest cooldown end seen (0 = none),
 * candidates cooling, capped, refused} — the counts cover the candidates passed over.
 */
export const ACQUIRE_FIRST = `
local now = tonumber(ARGV[1])
local est = tonumber(ARGV[2])
local soonest = 0
local cooling = 0
local capped = 0
local refused = 0
local function over(window, r, t)
  if r >= 0 and tonumber(redis.call('HGET', window, 'r') or '0') + 1 > r then return true end
  if t >= 0 then
    local used = tonumber(redis.call('HGET', window, 't') or '0')
    if used >= t or used + est > t then return true end
  end
  return false
end
local function count(window, ttl)
  redis.call('HINCRBY', window, 'r', 1)
  redis.call('HINCRBY', window, 't', est)
  redis.call('PEXPIRE', window, ttl)
end
for i = 1, #KEYS / 5 do
  local stats, minute, day = KEYS[i * 5 - 4], KEYS[i * 5 - 3], KEYS[i * 5 - 2]
  local mminute, mday = KEYS[i * 5 - 1], KEYS[i * 5]
  local base = 4 + (i - 1) * 9
  local rpm, tpm = tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2])
  local rpd, tpd = tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4])
  local mrpm, mtpm = tonumber(ARGV[base + 5]), tonumber(ARGV[base + 6])
  local mrpd, mtpd = tonumber(ARGV[base + 7]), tonumber(ARGV[base + 8])
  local model = ARGV[base + 9]
  local fields = redis.call('HMGET', stats, 'cooldownUntil', 'cd:' .. model, 'invalidUntil')
  local cooldown = math.max(tonumber(fields[1] or '0'), tonumber(fields[2] or '0'))
  if tonumber(fields[3] or '0') > now then
    refused = refused + 1
  elseif cooldown > now then
    cooling = cooling + 1
    if soonest == 0 or cooldown < soonest then soonest = cooldown end
  elseif over(minute, rpm, tpm) or over(day, rpd, tpd)
    or over(mminute, mrpm, mtpm) or over(mday, mrpd, mtpd) then
    capped = capped + 1
  else
    count(minute, ARGV[3])
    count(day, ARGV[4])
    if mrpm >= 0 or mtpm >= 0 then count(mminute, ARGV[3]) end
    if mrpd >= 0 or mtpd >= 0 then count(mday, ARGV[4]) end
    redis.call('HINCRBY', stats, 'totalRequests', 1)
    return {i, soonest, cooling, capped, refused}
  end
end
return {0, soonest, cooling, capped, refused}
`;

/**
 * A 429 (or an account out of credit): cools the key, or one model on it (`scope` = the model's name;
 * '' for the whole key), for the wait given, else an exponential backoff by consecutive 429s; both
 * clamped to the maximum. Never shortens a cooldown already set, and a 429 that arrives while its
 * scope is already cooling adds no strike: requests that were in flight when the first 429 came must
 * not multiply the backoff (docs/design.md invariant 4). `cooldownGuessed` / `cdg:<model>` says the
 * cooldown is such a guess (the worker's probes look early at the key's own guessed ones).
 * KEYS: stats hash. ARGV: now ms, wait ms (-1 = none), base ms, max ms, scope, reason.
 * Returns {cooldownUntil, 1 when this call started the cooldown else 0}.
 */
export const COOL_KEY = `
local now = tonumber(ARGV[1])
local wait = tonumber(ARGV[2])
local base = tonumber(ARGV[3])
local max = tonumber(ARGV[4])
local scope = ARGV[5]
local untilField, strikesField, guessedField = 'cooldownUntil', 'strikes', 'cooldownGuessed'
if scope ~= '' then
  untilField, strikesField, guessedField = 'cd:' .. scope, 'strikes:' .. scope, 'cdg:' .. scope
end
local current = tonumber(redis.call('HGET', KEYS[1], untilField) or '0')
local cooling = current > now
local strikes = tonumber(redis.call('HGET', KEYS[1], strikesField) or '0')
if not cooling then
  strikes = redis.call('HINCRBY', KEYS[1], strikesField, 1)
end
if strikes < 1 then strikes = 1 end
local guessed = 0
if wait < 0 then
  wait = base * math.pow(2, math.min(strikes - 1, 30))
  guessed = 1
end
if wait > max then wait = max end
local untilMs = now + wait
if untilMs > current then
  redis.call('HSET', KEYS[1], untilField, untilMs, guessedField, guessed)
  if scope == '' then redis.call('HSET', KEYS[1], 'cooldownReason', ARGV[6]) end
else
  untilMs = current
end
redis.call('HSET', KEYS[1], 'last429At', now)
if cooling then return {untilMs, 0} end
return {untilMs, 1}
`;

/**
 * The upstream refused the key (401/403, an invalid-key code): no relay takes it until `until`, by
 * which time every relay has reloaded its table without it (the key is auto-disabled in PostgreSQL).
 * KEYS: stats hash. ARGV: until ms. Returns 1 when this call marked it, 0 when it already was.
 */
export const REFUSE_KEY = `
local current = tonumber(redis.call('HGET', KEYS[1], 'invalidUntil') or '0')
redis.call('HSET', KEYS[1], 'invalidUntil', math.max(current, tonumber(ARGV[1])))
if current >= tonumber(ARGV[2]) then return 0 end
return 1
`;

/**
 * After an attempt that reached the upstream. KEYS: stats hash, token minute window, key minute
 * window, key day window, (key, model) minute and day windows. ARGV: outcome (`ok` | `fail` |
 * `none`), estimated tokens, actual tokens, now ms, model. Windows get the difference between
 * estimate and actual (only while they exist: an expired window must not come back without its ttl,
 * and a model without limits has none). `ok` clears the key's and the model's strike and failure
 * streaks; `fail` (5xx, timeout, refused connection) adds to its failure streak without cooling it
 * down; `none` (the client left) says nothing about the key.
 */
export const SETTLE_KEY = `
local est = tonumber(ARGV[2])
local actual = tonumber(ARGV[3])
local delta = actual - est
if delta ~= 0 then
  for i = 2, 6 do
    if KEYS[i] ~= '' and redis.call('EXISTS', KEYS[i]) == 1 then
      redis.call('HINCRBY', KEYS[i], 't', delta)
    end
  end
end
if actual > 0 then redis.call('HINCRBY', KEYS[1], 'totalTokens', actual) end
if ARGV[1] == 'ok' then
  redis.call('HDEL', KEYS[1], 'strikes', 'failures', 'strikes:' .. ARGV[5])
elseif ARGV[1] == 'fail' then
  redis.call('HINCRBY', KEYS[1], 'failures', 1)
  redis.call('HSET', KEYS[1], 'lastFailureAt', ARGV[4])
end
return 0
`;

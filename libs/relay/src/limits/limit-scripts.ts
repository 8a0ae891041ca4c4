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
 * whatever the pool size. KEYS: per candidate its stats hash, minute window and day window.
 * ARGV: now ms, estimated tokens, minute ttl ms, day ttl ms, then per candidate rpm, tpm, rpd, tpd.
 * Returns {index of the key taken (1-based; 0 when none), soonest cooldownUntil seen (0 = none),
 * keys cooling, keys capped} — the counts cover the keys passed over before the one taken.
 */
export const ACQUIRE_FIRST = `
local now = tonumber(ARGV[1])
local est = tonumber(ARGV[2])
local soonest = 0
local cooling = 0
local capped = 0
for i = 1, #KEYS / 3 do
  local stats, minute, day = KEYS[i * 3 - 2], KEYS[i * 3 - 1], KEYS[i * 3]
  local base = 4 + (i - 1) * 4
  local rpm, tpm = tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2])
  local rpd, tpd = tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4])
  local cooldown = tonumber(redis.call('HGET', stats, 'cooldownUntil') or '0')
  if cooldown > now then
    cooling = cooling + 1
    if soonest == 0 or cooldown < soonest then soonest = cooldown end
  else
    local mr = tonumber(redis.call('HGET', minute, 'r') or '0')
    local mt = tonumber(redis.call('HGET', minute, 't') or '0')
    local dr = tonumber(redis.call('HGET', day, 'r') or '0')
    local dt = tonumber(redis.call('HGET', day, 't') or '0')
    if (rpm >= 0 and mr + 1 > rpm) or (rpd >= 0 and dr + 1 > rpd)
      or (tpm >= 0 and (mt >= tpm or mt + est > tpm))
      or (tpd >= 0 and (dt >= tpd or dt + est > tpd)) then
      capped = capped + 1
    else
      redis.call('HINCRBY', minute, 'r', 1)
      redis.call('HINCRBY', minute, 't', est)
      redis.call('PEXPIRE', minute, ARGV[3])
      redis.call('HINCRBY', day, 'r', 1)
      redis.call('HINCRBY', day, 't', est)
      redis.call('PEXPIRE', day, ARGV[4])
      redis.call('HINCRBY', stats, 'totalRequests', 1)
      return {i, soonest, cooling, capped}
    end
  end
end
return {0, soonest, cooling, capped}
`;

/**
 * A 429 from the upstream: cools the key for Retry-After, else an exponential backoff by consecutive
 * 429s; both clamped to the maximum. Never shortens a cooldown already set. `cooldownGuessed` says
 * whether the cooldown in force is such a guess (1) or the upstream's Retry-After (0): the worker's
 * health probes look early at guessed ones and clear them when the key answers.
 * KEYS: stats hash. ARGV: now ms, retry-after ms (-1 = none), base ms, max ms. Returns cooldownUntil.
 */
export const COOL_KEY = `
local now = tonumber(ARGV[1])
local wait = tonumber(ARGV[2])
local base = tonumber(ARGV[3])
local max = tonumber(ARGV[4])
local strikes = redis.call('HINCRBY', KEYS[1], 'strikes', 1)
local guessed = 0
if wait < 0 then
  wait = base * math.pow(2, math.min(strikes - 1, 30))
  guessed = 1
end
if wait > max then wait = max end
local untilMs = now + wait
local current = tonumber(redis.call('HGET', KEYS[1], 'cooldownUntil') or '0')
if untilMs > current then
  redis.call('HSET', KEYS[1], 'cooldownUntil', untilMs, 'cooldownGuessed', guessed)
else
  untilMs = current
end
redis.call('HSET', KEYS[1], 'last429At', now)
return untilMs
`;

/**
 * After an attempt that reached the upstream. KEYS: stats hash, token minute window, key minute
 * window, key day window. ARGV: outcome (`ok` | `fail` | `none`), estimated tokens, actual tokens, now ms.
 * Windows get the difference between estimate and actual (only while they exist: an expired window
 * must not come back without its ttl). `ok` clears the key's strike and failure streaks; `fail`
 * (5xx, timeout, refused connection) adds to its failure streak without cooling it down; `none`
 * (the client left) says nothing about the key.
 */
export const SETTLE_KEY = `
local est = tonumber(ARGV[2])
local actual = tonumber(ARGV[3])
local delta = actual - est
if delta ~= 0 then
  for i = 2, 4 do
    if KEYS[i] ~= '' and redis.call('EXISTS', KEYS[i]) == 1 then
      redis.call('HINCRBY', KEYS[i], 't', delta)
    end
  end
end
if actual > 0 then redis.call('HINCRBY', KEYS[1], 'totalTokens', actual) end
if ARGV[1] == 'ok' then
  redis.call('HDEL', KEYS[1], 'strikes', 'failures')
elseif ARGV[1] == 'fail' then
  redis.call('HINCRBY', KEYS[1], 'failures', 1)
  redis.call('HSET', KEYS[1], 'lastFailureAt', ARGV[4])
end
return 0
`;

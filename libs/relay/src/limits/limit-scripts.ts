// The relay's atomic Redis operations (docs/design.md invariants 4 and 5), one Lua script each, so that
// a check and its increment cannot be split by another API process. Windows are fixed: a minute
// (`:m:<epoch minute>`) and a UTC day (`:d:<epoch day>`), hashes of r (requests) and t (tokens),
// kept only for a token or key that has a limit counted in them. A limit of -1 means "none". Each
// is also a Lua function, so that the relay's admission and settlement scripts (one round trip
// before the upstream call, one after) run the same code.

/**
 * Token admission, as two Lua functions so that a script can check it with its other admission
 * checks and count it only once all passed. tokenCheck(window, rpm, tpm, est) returns 0 (would be
 * admitted), 1 (rpm reached) or 2 (tpm reached) and writes nothing; tokenCount(window, est, ttl)
 * counts the request. A request larger than the whole tpm is admitted into an empty window: refusing
 * it would make the client retry forever.
 */
export const TOKEN_FUNCTIONS = `
local function tokenCheck(window, rpm, tpm, est)
  local w = redis.call('HMGET', window, 'r', 't')
  local r = tonumber(w[1] or '0')
  local t = tonumber(w[2] or '0')
  rpm, tpm, est = tonumber(rpm), tonumber(tpm), tonumber(est)
  if rpm >= 0 and r + 1 > rpm then return 1 end
  if tpm >= 0 and (t >= tpm or (t > 0 and t + est > tpm)) then return 2 end
  return 0
end
local function tokenCount(window, est, ttl)
  redis.call('HINCRBY', window, 'r', 1)
  redis.call('HINCRBY', window, 't', est)
  redis.call('PEXPIRE', window, ttl)
end
`;

/**
 * Token admission. KEYS: minute window. ARGV: rpm, tpm, estimated tokens, window ttl ms.
 * Returns tokenCheck's verdict (0 = admitted and counted).
 */
export const ADMIT_TOKEN =
  TOKEN_FUNCTIONS +
  `
local verdict = tokenCheck(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
if verdict == 0 then tokenCount(KEYS[1], ARGV[3], ARGV[4]) end
return verdict
`;

/**
 * Takes one request's slot on the first usable key of a list (the router's order), whatever the pool
 * size, as a Lua function acquireFirst(K, A) shared by ACQUIRE_FIRST and the relay's admission
 * script. K: per candidate its stats hash, minute window and day window; a window is '' when the key
 * has no limit it counts for (nothing to count, nothing to read). A: now ms, estimated tokens,
 * minute ttl ms, day ttl ms, then per candidate rpm, tpm, rpd, tpd. Returns {index of the key taken
 * (1-based; 0 when none), soonest cooldownUntil seen (0 = none), keys cooling, keys capped} — the
 * counts cover the keys passed over before the one taken.
 */
export const ACQUIRE_FIRST_FUNCTION = `
local function acquireFirst(K, A)
  local now = tonumber(A[1])
  local est = tonumber(A[2])
  local soonest = 0
  local cooling = 0
  local capped = 0
  for i = 1, #K / 3 do
    local stats, minute, day = K[i * 3 - 2], K[i * 3 - 1], K[i * 3]
    local base = 4 + (i - 1) * 4
    local rpm, tpm = tonumber(A[base + 1]), tonumber(A[base + 2])
    local rpd, tpd = tonumber(A[base + 3]), tonumber(A[base + 4])
    local cooldown = tonumber(redis.call('HGET', stats, 'cooldownUntil') or '0')
    if cooldown > now then
      cooling = cooling + 1
      if soonest == 0 or cooldown < soonest then soonest = cooldown end
    else
      local mr, mt, dr, dt = 0, 0, 0, 0
      if minute ~= '' then
        local m = redis.call('HMGET', minute, 'r', 't')
        mr, mt = tonumber(m[1] or '0'), tonumber(m[2] or '0')
      end
      if day ~= '' then
        local d = redis.call('HMGET', day, 'r', 't')
        dr, dt = tonumber(d[1] or '0'), tonumber(d[2] or '0')
      end
      if (rpm >= 0 and mr + 1 > rpm) or (rpd >= 0 and dr + 1 > rpd)
        or (tpm >= 0 and (mt >= tpm or mt + est > tpm))
        or (tpd >= 0 and (dt >= tpd or dt + est > tpd)) then
        capped = capped + 1
      else
        if minute ~= '' then
          redis.call('HINCRBY', minute, 'r', 1)
          redis.call('HINCRBY', minute, 't', est)
          redis.call('PEXPIRE', minute, A[3])
        end
        if day ~= '' then
          redis.call('HINCRBY', day, 'r', 1)
          redis.call('HINCRBY', day, 't', est)
          redis.call('PEXPIRE', day, A[4])
        end
        redis.call('HINCRBY', stats, 'totalRequests', 1)
        return {i, soonest, cooling, capped}
      end
    end
  end
  return {0, soonest, cooling, capped}
end
`;

/** KEYS and ARGV: those of acquireFirst (ACQUIRE_FIRST_FUNCTION). */
export const ACQUIRE_FIRST =
  ACQUIRE_FIRST_FUNCTION +
  `
return acquireFirst(KEYS, ARGV)
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
 * After an attempt that reached the upstream, as a Lua function settleKey(K, A) shared by SETTLE_KEY
 * and the relay's settlement script. K: stats hash, token minute window, key minute window, key day
 * window ('' for a window the attempt was not counted in). A: outcome (`ok` | `fail` | `none`),
 * estimated tokens, actual tokens, now ms.
 * Windows get the difference between estimate and actual (only while they exist: an expired window
 * must not come back without its ttl). `ok` clears the key's strike and failure streaks; `fail`
 * (5xx, timeout, refused connection) adds to its failure streak without cooling it down; `none`
 * (the client left) says nothing about the key.
 */
export const SETTLE_KEY_FUNCTION = `
local function settleKey(K, A)
  local est = tonumber(A[2])
  local actual = tonumber(A[3])
  local delta = actual - est
  if delta ~= 0 then
    for i = 2, 4 do
      if K[i] ~= '' and redis.call('EXISTS', K[i]) == 1 then
        redis.call('HINCRBY', K[i], 't', delta)
      end
    end
  end
  if actual > 0 then redis.call('HINCRBY', K[1], 'totalTokens', actual) end
  if A[1] == 'ok' then
    redis.call('HDEL', K[1], 'strikes', 'failures')
  elseif A[1] == 'fail' then
    redis.call('HINCRBY', K[1], 'failures', 1)
    redis.call('HSET', K[1], 'lastFailureAt', A[4])
  end
end
`;

/** KEYS and ARGV: those of settleKey (SETTLE_KEY_FUNCTION). */
export const SETTLE_KEY =
  SETTLE_KEY_FUNCTION +
  `
settleKey(KEYS, ARGV)
return 0
`;

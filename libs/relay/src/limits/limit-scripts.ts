// The relay's atomic Redis operations (docs/design.md invariants 4 and 5), one Lua script each, so that
// a check and its increment cannot be split by another API process. Windows are fixed: a minute
// (`:m:<epoch minute>`) and a local day of the key's zone (`:d:<ZoneDay id>`: `<epoch day>` in
// UTC, `<zone>:<yyyy-mm-dd>` elsewhere; its end comes from the caller), hashes of r (requests) and
// t (tokens), kept only for a token or key that has a limit counted in them. A limit of -1 means
// "none". Each is also a Lua function, so that the relay's admission and settlement scripts (one
// round trip before the upstream call, one after) run the same code.
import { ABSENT_KEYS_LUA } from '@gateway/redis';

/**
 * The once-marker of a call the relay makes outside its two hot-path scripts (a further key's
 * acquisition and settlement, a cooldown, a refusal, the token window's refund): ioredis re-sends a
 * script whose answer a dropped connection lost, and a repeat must not count a window or a key twice.
 * KEYS[1] is the marker (absent: no marker, the call is not keyed), ARGV[1] its ttl ms; the call's
 * own KEYS and ARGV follow, as K and A. A marked call that ran already answers what it answered then
 * (a list of integers) and writes nothing; `remember` stores the first run's answer.
 */
const ONCE_LUA = `
local marker, onceTtl = KEYS[1], ARGV[1]
local K, A = {}, {}
for i = 2, #KEYS do K[#K + 1] = KEYS[i] end
for i = 2, #ARGV do A[#A + 1] = ARGV[i] end
if marker ~= '' then
  local seen = redis.call('GET', marker)
  if seen then
    local answer = {}
    for part in string.gmatch(seen, '[^,]+') do answer[#answer + 1] = tonumber(part) end
    return answer
  end
end
local function remember(answer)
  if marker ~= '' then
    local parts = {}
    for i = 1, #answer do parts[i] = string.format('%d', answer[i]) end
    redis.call('SET', marker, table.concat(parts, ','), 'PX', onceTtl)
  end
  return answer
end
`;

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
 * script. Each candidate is a (key, upstream model) pair: providers limit and cool a model on a key,
 * not only the key. K: per candidate its stats hash, minute window, day window, and the (key, model)
 * minute and day windows; a window is '' when nothing is limited in it (nothing to count, nothing to
 * read). A: now ms, estimated tokens, minute ttl ms, how long a day window outlives its day (ms),
 * then per candidate rpm, tpm, rpd, tpd, the model's rpm, tpm, rpd, tpd, the model name, and the end
 * (ms epoch) of the local day its day windows count (the next midnight of the key's zone: 23 to 25
 * hours after the last in a zone with DST, so neither the end nor the ttl is computed here).
 * `order`, when given, lists the candidates' indexes in the order to try them (a sticky session's
 * key first). In the stats hash, `cooldownUntil` cools the whole key, `cd:<model>` one model on it,
 * and `invalidUntil` bridges a key the upstream refused until every relay has reloaded without it
 * (the key's lifetime totals are counted by the relay's KeyStatsTally, not here). Returns {position
 * of the key taken in the order tried (1-based; 0 when none), the soonest time a key passed over
 * recovers (a cooldown's end, or the end of the windows a capped key is over; 0 = none), candidates
 * cooling, capped, refused, 1 when the key taken has a strike or failure streak to clear (else 0)}
 * — the counts cover the candidates passed over.
 */
export const ACQUIRE_FIRST_FUNCTION = `
local function acquireFirst(K, A, order)
  local now = tonumber(A[1])
  local est = tonumber(A[2])
  local soonest = 0
  local cooling = 0
  local capped = 0
  local refused = 0
  local minuteEnd = (math.floor(now / 60000) + 1) * 60000
  -- When the window frees the key (its end), or 0 when the request fits. A request larger than
  -- the whole tpm/tpd is taken into an empty window, as a token's is: refused, it would wait forever.
  local function over(window, r, t, ends)
    if window == '' then return 0 end
    if r < 0 and t < 0 then return 0 end
    local w = redis.call('HMGET', window, 'r', 't')
    local used_r, used_t = tonumber(w[1] or '0'), tonumber(w[2] or '0')
    if r >= 0 and used_r + 1 > r then return ends end
    if t >= 0 and (used_t >= t or (used_t > 0 and used_t + est > t)) then return ends end
    return 0
  end
  local function count(window, ttl)
    if window == '' then return end
    redis.call('HINCRBY', window, 'r', 1)
    redis.call('HINCRBY', window, 't', est)
    redis.call('PEXPIRE', window, ttl)
  end
  for position = 1, #K / 5 do
    local i = order and order[position] or position
    local stats, minute, day = K[i * 5 - 4], K[i * 5 - 3], K[i * 5 - 2]
    local mminute, mday = K[i * 5 - 1], K[i * 5]
    local base = 4 + (i - 1) * 10
    local rpm, tpm = tonumber(A[base + 1]), tonumber(A[base + 2])
    local rpd, tpd = tonumber(A[base + 3]), tonumber(A[base + 4])
    local mrpm, mtpm = tonumber(A[base + 5]), tonumber(A[base + 6])
    local mrpd, mtpd = tonumber(A[base + 7]), tonumber(A[base + 8])
    local model = A[base + 9]
    local dayEnd = tonumber(A[base + 10])
    local fields = redis.call('HMGET', stats, 'cooldownUntil', 'cd:' .. model, 'invalidUntil',
      'strikes', 'failures', 'strikes:' .. model)
    local cooldown = math.max(tonumber(fields[1] or '0'), tonumber(fields[2] or '0'))
    -- A capped key is usable again once every window it is over has rolled over.
    local frees = 0
    if tonumber(fields[3] or '0') > now then
      refused = refused + 1
    elseif cooldown > now then
      cooling = cooling + 1
      if soonest == 0 or cooldown < soonest then soonest = cooldown end
    else
      frees = math.max(over(minute, rpm, tpm, minuteEnd), over(day, rpd, tpd, dayEnd),
        over(mminute, mrpm, mtpm, minuteEnd), over(mday, mrpd, mtpd, dayEnd))
      if frees > 0 then
        capped = capped + 1
        if soonest == 0 or frees < soonest then soonest = frees end
      end
    end
    if tonumber(fields[3] or '0') <= now and cooldown <= now and frees == 0 then
      local dayTtl = dayEnd - now + tonumber(A[4])
      count(minute, A[3])
      count(day, dayTtl)
      if mrpm >= 0 or mtpm >= 0 then count(mminute, A[3]) end
      if mrpd >= 0 or mtpd >= 0 then count(mday, dayTtl) end
      local streaks = 0
      if fields[4] or fields[5] or fields[6] then streaks = 1 end
      return {position, soonest, cooling, capped, refused, streaks}
    end
  end
  return {0, soonest, cooling, capped, refused, 0}
end
`;

/** KEYS and ARGV: the once-marker's (ONCE_LUA), then those of acquireFirst (ACQUIRE_FIRST_FUNCTION). */
export const ACQUIRE_FIRST =
  ABSENT_KEYS_LUA +
  ONCE_LUA +
  ACQUIRE_FIRST_FUNCTION +
  `
return remember(acquireFirst(K, A))
`;

/**
 * A 429 (or an account out of credit): cools the key, or one model on it (`scope` = the model's name;
 * '' for the whole key), for the wait given, else an exponential backoff by consecutive 429s; both
 * clamped to the maximum. Never shortens a cooldown already set, and a 429 that arrives while its
 * scope is already cooling adds no strike: requests that were in flight when the first 429 came must
 * not multiply the backoff (docs/design.md invariant 4). `cooldownGuessed` / `cdg:<model>` says the
 * cooldown is such a guess (the worker's probes look early at the key's own guessed ones).
 * KEYS: the once-marker (ONCE_LUA), stats hash. ARGV: the marker's ttl ms, now ms, wait ms (-1 =
 * none), base ms, max ms, scope, reason.
 * Returns {cooldownUntil, 1 when this call started the cooldown else 0}.
 */
export const COOL_KEY = `${ABSENT_KEYS_LUA}${ONCE_LUA}
local now = tonumber(A[1])
local wait = tonumber(A[2])
local base = tonumber(A[3])
local max = tonumber(A[4])
local scope = A[5]
local untilField, strikesField, guessedField = 'cooldownUntil', 'strikes', 'cooldownGuessed'
if scope ~= '' then
  untilField, strikesField, guessedField = 'cd:' .. scope, 'strikes:' .. scope, 'cdg:' .. scope
end
local current = tonumber(redis.call('HGET', K[1], untilField) or '0')
local cooling = current > now
local strikes = tonumber(redis.call('HGET', K[1], strikesField) or '0')
if not cooling then
  strikes = redis.call('HINCRBY', K[1], strikesField, 1)
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
  redis.call('HSET', K[1], untilField, untilMs, guessedField, guessed)
  if scope == '' then redis.call('HSET', K[1], 'cooldownReason', A[6]) end
else
  untilMs = current
end
redis.call('HSET', K[1], 'last429At', now)
if cooling then return remember({untilMs, 0}) end
return remember({untilMs, 1})
`;

/**
 * The upstream refused the key (401/403, an invalid-key code): no relay takes it until `until`, by
 * which time every relay has reloaded its table without it (the key is auto-disabled in PostgreSQL).
 * KEYS: the once-marker (ONCE_LUA), stats hash. ARGV: the marker's ttl ms, until ms, now ms. Returns
 * {1} when this call marked it, {0} when it already was.
 */
export const REFUSE_KEY = `${ABSENT_KEYS_LUA}${ONCE_LUA}
local current = tonumber(redis.call('HGET', K[1], 'invalidUntil') or '0')
redis.call('HSET', K[1], 'invalidUntil', math.max(current, tonumber(A[1])))
if current >= tonumber(A[2]) then return remember({0}) end
return remember({1})
`;

/**
 * After an attempt that reached the upstream, as a Lua function settleKey(K, A) shared by SETTLE_KEY
 * and the relay's settlement script. K: stats hash, token minute window, key minute window, key day
 * window, (key, model) minute and day windows ('' for a window the attempt was not counted in). A:
 * outcome (`ok` | `fail` | `none`), estimated tokens, actual tokens, now ms, model, whether the key
 * had a streak to clear when it was taken (1|0: acquireFirst said). Windows get the
 * difference between estimate and actual (only while they exist: an expired window must not come
 * back without its ttl, and a model without limits has none). `ok` clears the key's and the model's
 * strike and failure streaks (when it had one as it was taken); `fail` (5xx, timeout, refused connection) adds to its failure streak
 * without cooling it down; `none` (the client left) says nothing about the key. The key's lifetime
 * tokens are counted by the relay's KeyStatsTally.
 */
export const SETTLE_KEY_FUNCTION = `
local function settleKey(K, A)
  local est = tonumber(A[2])
  local actual = tonumber(A[3])
  local delta = actual - est
  if delta ~= 0 then
    for i = 2, 6 do
      if K[i] ~= '' and redis.call('EXISTS', K[i]) == 1 then
        redis.call('HINCRBY', K[i], 't', delta)
      end
    end
  end
  if A[1] == 'ok' then
    if A[6] == '1' then redis.call('HDEL', K[1], 'strikes', 'failures', 'strikes:' .. A[5]) end
  elseif A[1] == 'fail' then
    redis.call('HINCRBY', K[1], 'failures', 1)
    redis.call('HSET', K[1], 'lastFailureAt', A[4])
  end
end
`;

/** KEYS and ARGV: the once-marker's (ONCE_LUA), then those of settleKey (SETTLE_KEY_FUNCTION). */
export const SETTLE_KEY =
  ABSENT_KEYS_LUA +
  ONCE_LUA +
  SETTLE_KEY_FUNCTION +
  `
settleKey(K, A)
return remember({0})
`;

/**
 * A request that was admitted but never reached an upstream gives its estimate back to the token's
 * minute window. KEYS: the once-marker (ONCE_LUA), the window. ARGV: the marker's ttl ms, estimated
 * tokens, the window's ttl ms.
 */
export const REFUND_TOKEN =
  ABSENT_KEYS_LUA +
  ONCE_LUA +
  `
redis.call('HINCRBY', K[1], 't', -tonumber(A[1]))
redis.call('PEXPIRE', K[1], A[2])
return remember({0})
`;

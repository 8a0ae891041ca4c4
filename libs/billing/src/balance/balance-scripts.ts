// The live side of tenant balances and token quotas, in Redis Lua so that a check and its hold are
// one step for every API process (DESIGN.md invariant 6). Amounts are nano-USD integers. Lua numbers
// are doubles (exact to 2^53 nano-USD, about 9 million USD), so the ever-growing sums (credits,
// debits) are only ever changed with HINCRBY, which Redis does in exact 64-bit integers, and never
// used in Lua arithmetic; the balance check reads `balance` and `held`, which stay small.
//
// Tenant hash `bal:<tenant>`: credits, creditSeq, debits (positive), balance (= credits − debits),
// held. Available = balance − held. Token hash `tq:<token>`: used, held. Holds: hash `holds` requestId → "amount|tenant|
// token"; sorted set `holds:exp` requestId by expiry (ms), for the reaper.

/**
 * KEYS: bal. ARGV: credits, creditSeq, debits, balance (computed exactly by the caller). Sets the
 * mirror from PostgreSQL unless another process did.
 */
export const INIT_BALANCE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'credits', ARGV[1], 'creditSeq', ARGV[2], 'debits', ARGV[3], 'balance', ARGV[4], 'held', 0)
return 1
`;

/** KEYS: tq. ARGV: used. */
export const INIT_TOKEN = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'used', ARGV[1], 'held', 0)
return 1
`;

/**
 * A committed credit-side ledger line, applied once and in order. KEYS: bal. ARGV: creditSeq, amount.
 * Returns 'ok', 'dup' (already applied), 'absent' (no mirror yet: it will load the line from
 * PostgreSQL) or 'gap' (a line before it is missing: the caller reloads the credits).
 */
export const APPLY_CREDIT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'absent' end
local seq = tonumber(ARGV[1])
local current = tonumber(redis.call('HGET', KEYS[1], 'creditSeq') or '0')
if seq <= current then return 'dup' end
if seq > current + 1 then return 'gap' end
redis.call('HINCRBY', KEYS[1], 'credits', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'balance', ARGV[2])
redis.call('HSET', KEYS[1], 'creditSeq', seq)
return 'ok'
`;

/**
 * Moves the mirror's credits to PostgreSQL's when those are newer. KEYS: bal. ARGV: the mirror's
 * credits as the caller read them (compared as text: no float), the difference to add (computed
 * exactly by the caller), PostgreSQL's creditSeq. Returns 1 (moved), 0 (already as new) or -1 (the
 * credits changed meanwhile: read again).
 */
export const RESYNC_CREDITS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local current = tonumber(redis.call('HGET', KEYS[1], 'creditSeq') or '0')
if tonumber(ARGV[3]) <= current then return 0 end
if redis.call('HGET', KEYS[1], 'credits') ~= ARGV[1] then return -1 end
redis.call('HINCRBY', KEYS[1], 'credits', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'balance', ARGV[2])
redis.call('HSET', KEYS[1], 'creditSeq', ARGV[3])
return 1
`;

/**
 * Places a hold. KEYS: bal, tq, holds, holds:exp. ARGV: requestId, amount, enforce balance (1|0),
 * token quota (-1 = none), expiresAt ms, tenantId, tokenId.
 * Returns 0 (held), 1 (tenant balance short), 2 (token quota short), 3 (a mirror is not loaded).
 */
export const PLACE_HOLD = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[2]) == 0 then return 3 end
local amount = tonumber(ARGV[2])
if ARGV[3] == '1' then
  local b = redis.call('HMGET', KEYS[1], 'balance', 'held')
  local available = tonumber(b[1]) - tonumber(b[2])
  if available < amount or available <= 0 then return 1 end
end
local quota = tonumber(ARGV[4])
if quota >= 0 then
  local t = redis.call('HMGET', KEYS[2], 'used', 'held')
  local left = quota - tonumber(t[1]) - tonumber(t[2])
  if left < amount or left <= 0 then return 2 end
end
redis.call('HINCRBY', KEYS[1], 'held', amount)
redis.call('HINCRBY', KEYS[2], 'held', amount)
redis.call('HSET', KEYS[3], ARGV[1], amount .. '|' .. ARGV[6] .. '|' .. ARGV[7])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
return 0
`;

/**
 * Settles a request: releases its hold (if the reaper has not) and debits its real cost.
 * KEYS: bal, tq, holds, holds:exp. ARGV: requestId, cost. Returns the amount that was held (0 if none).
 */
export const SETTLE = `
local held = 0
local hold = redis.call('HGET', KEYS[3], ARGV[1])
if hold then
  held = tonumber(string.match(hold, '^(%d+)'))
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('ZREM', KEYS[4], ARGV[1])
  redis.call('HINCRBY', KEYS[1], 'held', -held)
  redis.call('HINCRBY', KEYS[2], 'held', -held)
end
local cost = tonumber(ARGV[2])
if cost > 0 then
  redis.call('HINCRBY', KEYS[1], 'debits', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'balance', '-' .. ARGV[2])
  redis.call('HINCRBY', KEYS[2], 'used', ARGV[2])
end
return held
`;

/**
 * Releases holds whose request never settled (its process died). KEYS: holds, holds:exp.
 * ARGV: now ms, batch size, key prefix. Returns how many were released.
 */
export const REAP_HOLDS = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, requestId in ipairs(expired) do
  local hold = redis.call('HGET', KEYS[1], requestId)
  if hold then
    local amount, tenant, token = string.match(hold, '^(%d+)|([^|]*)|([^|]*)$')
    redis.call('HINCRBY', ARGV[3] .. ':bal:' .. tenant, 'held', -tonumber(amount))
    redis.call('HINCRBY', ARGV[3] .. ':tq:' .. token, 'held', -tonumber(amount))
    redis.call('HDEL', KEYS[1], requestId)
  end
  redis.call('ZREM', KEYS[2], requestId)
end
return #expired
`;

// The live side of tenant balances and token quotas, in Redis Lua so that a check and its hold are
// one step for every API process (docs/design.md invariant 6). Amounts are nano-USD integers. Lua numbers
// are doubles (exact to 2^53 nano-USD, about 9 million USD), so the ever-growing sums (credits,
// debits) are only ever changed with HINCRBY, which Redis does in exact 64-bit integers, and never
// used in Lua arithmetic; the balance check reads `balance` and `held`, which stay small.
//
// Tenant hash `bal:<tenant>`: credits, creditSeq, debits (positive), balance (= credits − debits),
// held (the part of holds the balance answers for). Available = balance − held. Token hash
// `tq:<token>`: used, held. Plan period hash `pp:<tenant>:<period start ms>`: req, in, out, spend,
// cov (allowance used) and their held counterparts hReq, hIn, hOut, hSpend, hCov. Holds: sorted set
// `holds:exp`, one member per hold whose text is the whole hold (see HOLD_FUNCTIONS), scored by its
// expiry (ms) for the reaper; a settlement names the member it placed, so its ZREM answers 1 once.
// (Holds placed before that layout are a requestId in `holds:exp` and their text in the hash `holds`;
// only the reaper still meets them.) A request's once-marker `once:<requestId>` makes its hold and its
// settlement idempotent: ioredis re-sends a command left unanswered by a dropped connection, so a
// script may run twice (docs/design.md, "Redis on the hot path").

/**
 * KEYS: bal. ARGV: credits, creditSeq, debits, balance (computed exactly by the caller). Sets the
 * mirror from PostgreSQL unless another process did; a partial mirror (no balance or held) is set
 * anew.
 */
export const INIT_BALANCE = `
if redis.call('HEXISTS', KEYS[1], 'balance') == 1 and redis.call('HEXISTS', KEYS[1], 'held') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'credits', ARGV[1], 'creditSeq', ARGV[2], 'debits', ARGV[3], 'balance', ARGV[4], 'held', 0)
return 1
`;

/** KEYS: tq. ARGV: used. */
export const INIT_TOKEN = `
if redis.call('HEXISTS', KEYS[1], 'used') == 1 and redis.call('HEXISTS', KEYS[1], 'held') == 1 then return 0 end
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
 * KEYS: pp. ARGV: requests, input tokens, output tokens, spend, covered (from PostgreSQL), expiry
 * (ms since epoch). Sets a plan period's counters unless another process did.
 */
export const INIT_PLAN_PERIOD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'req', ARGV[1], 'in', ARGV[2], 'out', ARGV[3], 'spend', ARGV[4], 'cov', ARGV[5],
  'hReq', 0, 'hIn', 0, 'hOut', 0, 'hSpend', 0, 'hCov', 0)
redis.call('PEXPIREAT', KEYS[1], ARGV[6])
return 1
`;

/**
 * Placing a hold, as two Lua functions over the hold's KEYS and ARGV (given as tables), so that a
 * script can check a hold with its other admission checks and write it only once all passed. Shared
 * by PLACE_HOLD and the relay's admission script (one round trip before the upstream call).
 * K: bal, tq, holds:exp, pp (the tenant's plan period; unused without a plan).
 * A: 1 requestId, 2 amount, 3 enforce balance (1|0), 4 token quota (-1 = none), 5 expiresAt ms,
 * 6 tenantId, 7 tokenId, 8 on a plan (1|0), 9-12 the plan's limits on requests, input tokens, output
 * tokens and spend (-1 = none), 13 its included allowance, 14 the request's input tokens, 15 its
 * output tokens at most.
 * On a plan, its allowance pays first: only what it cannot cover is held against the balance.
 * holdCheck returns 0 (would be held), the part the allowance pays and the plan period's counters
 * it read, or 1 (tenant balance short), 2 (token quota short), 3 (a mirror is not loaded), 4 (the
 * plan period is not loaded), 5-8 (the plan's request, input, output or spend limit). It writes
 * nothing. holdApply writes the hold and returns it: its member in `holds:exp`,
 * "requestId|amount|tenant|token|fromBalance|inTokens|outTokens|fromAllowance|pp", where token is
 * '' when the token has no quota (its quota mirror's held part is then left alone).
 */
export const HOLD_FUNCTIONS = `
local function holdInt(x) return string.format('%d', x) end
local function holdCheck(K, A)
  local b = redis.call('HMGET', K[1], 'balance', 'held')
  local quota = tonumber(A[4])
  -- A token without a quota has nothing to check: its mirror is not read (one command less).
  local t = {'0', '0'}
  if quota >= 0 then t = redis.call('HMGET', K[2], 'used', 'held') end
  -- A mirror lost or left partial (a Redis restarted without persistence) is loaded again first.
  if not b[1] or not b[2] or not t[1] or not t[2] then return 3, 0 end
  local amount = tonumber(A[2])
  local inTokens = tonumber(A[14])
  local outTokens = tonumber(A[15])
  local fromAllowance = 0
  local p = nil
  if A[8] == '1' then
    p = redis.call('HMGET', K[4], 'req', 'in', 'out', 'spend', 'cov', 'hReq', 'hIn', 'hOut', 'hSpend', 'hCov')
    if not p[1] then return 4, 0 end
    local limit = tonumber(A[9])
    if limit >= 0 and tonumber(p[1]) + tonumber(p[6]) + 1 > limit then return 5, 0 end
    limit = tonumber(A[10])
    if limit >= 0 and tonumber(p[2]) + tonumber(p[7]) + inTokens > limit then return 6, 0 end
    limit = tonumber(A[11])
    if limit >= 0 and tonumber(p[3]) + tonumber(p[8]) + outTokens > limit then return 7, 0 end
    limit = tonumber(A[12])
    if limit >= 0 and tonumber(p[4]) + tonumber(p[9]) + amount > limit then return 8, 0 end
    local free = tonumber(A[13]) - tonumber(p[5]) - tonumber(p[10])
    if free > 0 then fromAllowance = math.min(amount, free) end
  end
  local fromBalance = amount - fromAllowance
  if A[3] == '1' and fromBalance > 0 then
    local available = tonumber(b[1]) - tonumber(b[2] or '0')
    if available < fromBalance then return 1, 0 end
  end
  if quota >= 0 and amount > 0 then
    local left = quota - tonumber(t[1]) - tonumber(t[2] or '0')
    if left < amount then return 2, 0 end
  end
  return 0, fromAllowance, p
end
local function holdApply(K, A, fromAllowance, p)
  local amount = tonumber(A[2])
  local fromBalance = amount - fromAllowance
  redis.call('HINCRBY', K[1], 'held', holdInt(fromBalance))
  -- A token without a quota has nothing to check its held part against: its hold names no token.
  local token = ''
  if tonumber(A[4]) >= 0 then
    token = A[7]
    redis.call('HINCRBY', K[2], 'held', holdInt(amount))
  end
  local pp = ''
  if A[8] == '1' then
    pp = K[4]
    -- The held counters are small (holds in flight), read by holdCheck just now: one write.
    redis.call('HSET', pp, 'hReq', holdInt(tonumber(p[6]) + 1), 'hIn', holdInt(tonumber(p[7]) + tonumber(A[14])),
      'hOut', holdInt(tonumber(p[8]) + tonumber(A[15])), 'hSpend', holdInt(tonumber(p[9]) + amount),
      'hCov', holdInt(tonumber(p[10]) + fromAllowance))
  end
  local member = A[1] .. '|' .. A[2] .. '|' .. A[6] .. '|' .. token .. '|' .. holdInt(fromBalance) .. '|' ..
    A[14] .. '|' .. A[15] .. '|' .. holdInt(fromAllowance) .. '|' .. pp
  redis.call('ZADD', K[3], A[5], member)
  return member
end
`;

/**
 * Places a hold, once per request. KEYS: those of HOLD_FUNCTIONS, then the request's once-marker.
 * ARGV: those of HOLD_FUNCTIONS, then the marker's ttl ms. Returns {holdCheck's verdict (0 = held),
 * the hold's member ('' when refused)}; run again for the same request, the hold already placed.
 */
export const PLACE_HOLD =
  HOLD_FUNCTIONS +
  `
local placed = redis.call('GET', KEYS[5])
if placed then return {0, placed} end
local verdict, fromAllowance, p = holdCheck(KEYS, ARGV)
if verdict ~= 0 then return {verdict, ''} end
local member = holdApply(KEYS, ARGV, fromAllowance, p)
redis.call('SET', KEYS[5], member, 'PX', ARGV[16])
return {0, member}
`;

/**
 * Releases one stored hold (shared by SETTLE and REAP_HOLDS), given as its text without the
 * requestId: "amount|tenant|token|fromBalance|inTokens|outTokens|fromAllowance|pp" (holds stored
 * before plans existed read "amount|tenant|token" and held the whole amount against the balance).
 * A plan period is touched only while it exists (it expires a week after its period).
 */
const RELEASE_HOLD = `
local function int(x) return string.format('%d', x) end
local function releaseHold(hold, prefix, bal, tq)
  local amount, tenant, token, rest = string.match(hold, '^(%d+)|([^|]*)|([^|]*)(.*)$')
  local fromBalance, inTokens, outTokens, fromAllowance, pp = string.match(rest, '^|(%d+)|(%d+)|(%d+)|(%d+)|(.*)$')
  fromBalance = fromBalance or amount
  redis.call('HINCRBY', bal or (prefix .. ':bal:' .. tenant), 'held', int(-tonumber(fromBalance)))
  if token ~= '' then redis.call('HINCRBY', tq or (prefix .. ':tq:' .. token), 'held', int(-tonumber(amount))) end
  if pp and pp ~= '' and redis.call('EXISTS', pp) == 1 then
    redis.call('HINCRBY', pp, 'hReq', -1)
    redis.call('HINCRBY', pp, 'hIn', int(-tonumber(inTokens)))
    redis.call('HINCRBY', pp, 'hOut', int(-tonumber(outTokens)))
    redis.call('HINCRBY', pp, 'hSpend', int(-tonumber(amount)))
    redis.call('HINCRBY', pp, 'hCov', int(-tonumber(fromAllowance)))
  end
  return amount
end
`;

/**
 * A request's once-marker `once:<requestId>` at its settlement, as a Lua function settleOnce(marker,
 * ttl ms, held): marks the request settled and says 'first' when this settlement is to book it, '-'
 * when it was settled already (a re-sent script) and '?' when that cannot be told. The admission
 * leaves its answer there (admitted, unsettled) and the reaper 'reaped' (the hold is gone, its cost
 * still to be booked). A settlement that found its hold (ZREM = 1) needs no marker: the hold was
 * there once. `held`: one that had a hold and did not find it is the first after 'reaped'; after the
 * admission's answer, a first run removed the hold; after nothing, the marker expired or Redis lost
 * it with the hold: '?', and the caller has the usage event recorded by other means (the worker
 * stores an event once per request id) and books nothing in the mirror. Without a hold, every first
 * run leaves 'settled', so anything else makes this the first.
 */
const ONCE_FUNCTION = `
local function settleOnce(marker, ttl, held)
  local seen = redis.call('SET', marker, 'settled', 'GET', 'PX', ttl)
  if seen == 'settled' then return '-' end
  if not held or seen == 'reaped' then return 'first' end
  if not seen then return '?' end
  return '-'
end
`;

/**
 * Settles a request: releases its hold (if the reaper has not) and books its real cost. On a plan,
 * the allowance left covers what it can and the rest is debited from the balance; the request and
 * its tokens count toward the period. A Lua function `settleHold(K, A, marker, ttl)`, shared by SETTLE
 * and the relay's settlement script (one round trip after the upstream call). K: bal, tq, holds:exp,
 * pp. A: the hold's member ('' for none), cost, on a plan (1|0), included allowance, requests to
 * count (0|1), input tokens, output tokens. `marker` is the request's once-marker, kept `ttl` ms
 * once settled. Returns { amount that was held (0 if none), part of the cost the allowance covered }
 * the first time; a second run changes nothing and returns { '-' }, or { '?' } when it cannot tell
 * (see settleOnce).
 */
export const SETTLE_FUNCTIONS =
  RELEASE_HOLD +
  ONCE_FUNCTION +
  `
local function settleHold(K, A, marker, ttl)
  local held = '0'
  -- Found: this Redis still holds the mirrors the hold was placed on. Not found: the reaper released
  -- it, or Redis lost it (restarted without persistence) with the mirrors, which are then only
  -- touched where they exist.
  local found = A[1] ~= '' and redis.call('ZREM', K[3], A[1]) == 1
  if not found then
    local once = settleOnce(marker, ttl, A[1] ~= '')
    if once ~= 'first' then return { once } end
  end
  local cost = tonumber(A[2])
  local covered = 0
  local p = nil
  if A[3] == '1' then
    p = redis.call('HMGET', K[4], 'req', 'in', 'out', 'spend', 'cov', 'hReq', 'hIn', 'hOut', 'hSpend', 'hCov')
    if not p[1] then p = nil end
  end
  local pp = nil
  if found then
    local text = string.match(A[1], '^[^|]*|(.*)$')
    pp = string.match(text, '|([^|]*)$')
    if p and pp == K[4] then
      -- Released below in the same write as the period's counters.
      held = releaseHold(string.gsub(text, '[^|]*$', ''), '', K[1], K[2])
    else
      held = releaseHold(text, '', K[1], K[2])
      pp = nil
    end
  end
  if p then
    local v = {}
    for i = 1, 10 do v[i] = tonumber(p[i]) end
    if pp then
      local _, _, _, _, inTokens, outTokens, fromAllowance = string.match(A[1],
        '^[^|]*|(%d+)|([^|]*)|([^|]*)|(%d+)|(%d+)|(%d+)|(%d+)|')
      v[6], v[7], v[8] = v[6] - 1, v[7] - tonumber(inTokens), v[8] - tonumber(outTokens)
      v[9], v[10] = v[9] - tonumber(held), v[10] - tonumber(fromAllowance)
    end
    local free = tonumber(A[4]) - v[5] - v[10]
    if free > 0 and cost > 0 then covered = math.min(cost, free) end
    v[1], v[2], v[3] = v[1] + tonumber(A[5]), v[2] + tonumber(A[6]), v[3] + tonumber(A[7])
    v[4], v[5] = v[4] + cost, v[5] + covered
    -- One write of the period's counters (bounded by a period's use, exact in a double).
    redis.call('HSET', K[4], 'req', int(v[1]), 'in', int(v[2]), 'out', int(v[3]), 'spend', int(v[4]),
      'cov', int(v[5]), 'hReq', int(v[6]), 'hIn', int(v[7]), 'hOut', int(v[8]), 'hSpend', int(v[9]),
      'hCov', int(v[10]))
  end
  -- A mirror that is gone (a Redis restarted without persistence) is not recreated partially here:
  -- the usage record carries the cost to PostgreSQL, and the next hold loads the mirror from there.
  if cost > 0 then
    local charged = cost - covered
    if charged > 0 and (found or redis.call('EXISTS', K[1]) == 1) then
      redis.call('HINCRBY', K[1], 'debits', int(charged))
      redis.call('HINCRBY', K[1], 'balance', int(-charged))
    end
    if found or redis.call('EXISTS', K[2]) == 1 then redis.call('HINCRBY', K[2], 'used', A[2]) end
  end
  return { held, int(covered) }
end
`;

/**
 * Settles a request, once. KEYS: those of settleHold (SETTLE_FUNCTIONS), then the request's
 * once-marker. ARGV: those of settleHold, then the marker's ttl ms. Returns settleHold's answer.
 */
export const SETTLE =
  SETTLE_FUNCTIONS +
  `
return settleHold(KEYS, ARGV, KEYS[5], ARGV[8])
`;

/**
 * Releases holds whose request never settled (its process died). KEYS: holds:exp, then the hash
 * `holds` of holds stored before their member carried them. ARGV: now ms, batch size, key prefix, how long a
 * reaped hold's mark is kept (ms). Returns how many were released. Their request, should it settle
 * after all, finds its once-marker set to 'reaped' and books its cost once.
 */
export const REAP_HOLDS =
  RELEASE_HOLD +
  `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(expired) do
  local requestId, text = string.match(member, '^([^|]*)|(.*)$')
  if text then
    releaseHold(text, ARGV[3], nil, nil)
    -- Its request may still settle (a stream longer than the hold's ttl): it is to be booked then.
    redis.call('SET', ARGV[3] .. ':once:' .. requestId, 'reaped', 'PX', ARGV[4])
  else
    local hold = redis.call('HGET', KEYS[2], member)
    if hold then
      releaseHold(hold, ARGV[3], nil, nil)
      redis.call('HDEL', KEYS[2], member)
    end
  end
  redis.call('ZREM', KEYS[1], member)
end
return #expired
`;

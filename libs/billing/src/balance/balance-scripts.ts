// The live side of tenant balances and token quotas, in Redis Lua so that a check and its hold are
// one step for every API process (docs/design.md invariant 6). Amounts are nano-USD integers. Lua numbers
// are doubles (exact to 2^53 nano-USD, about 9 million USD), so the ever-growing sums (credits,
// debits) are only ever changed with HINCRBY, which Redis does in exact 64-bit integers, and never
// used in Lua arithmetic; the balance check reads `avail`, which stays small.
//
// Tenant hash `funds:<tenant>`: credits, creditSeq, debits (positive) and avail (= credits − debits −
// held, the part of holds the balance answers for). The balance (credits − debits) and held are not
// stored: BalanceMirror.snapshot derives them exactly with BigInt. So a hold is one HINCRBY of
// `avail` (its answer is the check: a negative one is put back and refused), and a settlement two:
// `debits` up by the charge, `avail` by what was held less the charge (issue #16: 11 Redis commands
// a request). A mirror is loaded when it has `credits`; a settlement may leave `avail` and `debits`
// alone in a hash whose mirror Redis lost, which the next load sets anew. (The layout before, hash
// `bal:<tenant>` with balance and held, is no longer written; its holds are reaped by
// REAP_HOLDS (its legacy flag) until the processes that placed them are gone, and TokenMirrorSweep
// deletes its mirrors once no hold is on them.)
//
// Token hash `tq:<token>:<quota>`, for a token with a quota only (a token without one has no mirror,
// and a script gets its KEYS slot absent): used, held. Named by the quota, so that a quota set
// after a time without one, when no settlement counted the token, is loaded from PostgreSQL afresh.
// Plan period hash `pp:<tenant>:<period start ms>`: req, in, out, spend, cov (allowance used) and
// their held counterparts hReq, hIn, hOut, hSpend, hCov. Holds: sorted set `holds:due`, one member
// per hold whose text is the whole hold (see HOLD_FUNCTIONS), scored by its expiry (ms) for the
// reaper; a settlement names the member it placed, so its ZREM answers 1 once.
// A request's once-marker `once:<requestId>` makes its hold and its settlement idempotent: ioredis
// re-sends a command left unanswered by a dropped connection, so a script may run twice
// (docs/design.md, "Redis on the hot path").
import { ABSENT_KEYS_LUA } from '@gateway/redis';

/**
 * KEYS: funds. ARGV: credits, creditSeq, debits, avail (= credits − debits, computed exactly by the
 * caller: nothing is held on a mirror being loaded). Sets the mirror from PostgreSQL unless another
 * process did; a partial one (no credits: what settlements left after Redis lost it) is set anew.
 */
export const INIT_BALANCE = `
if redis.call('HEXISTS', KEYS[1], 'credits') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'credits', ARGV[1], 'creditSeq', ARGV[2], 'debits', ARGV[3], 'avail', ARGV[4])
return 1
`;

/** KEYS: tq. ARGV: used. */
export const INIT_TOKEN = `
if redis.call('HEXISTS', KEYS[1], 'used') == 1 and redis.call('HEXISTS', KEYS[1], 'held') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'used', ARGV[1], 'held', 0)
return 1
`;

/**
 * KEYS: a tq mirror that no admission names any more, or a mirror of the layout before `funds`
 * (TokenMirrorSweep). Deletes it unless a hold is still on it. Returns 1 (deleted), 0 (already gone)
 * or -1 (held: left for a later sweep).
 */
export const DROP_IDLE_TOKEN_MIRROR = `
local held = redis.call('HGET', KEYS[1], 'held')
if held and held ~= '0' then return -1 end
return redis.call('DEL', KEYS[1])
`;

/**
 * A committed credit-side ledger line, applied once and in order. KEYS: funds. ARGV: creditSeq,
 * amount. Returns 'ok', 'dup' (already applied), 'absent' (no mirror yet: it will load the line from
 * PostgreSQL) or 'gap' (a line before it is missing: the caller reloads the credits).
 */
export const APPLY_CREDIT = `
local mirror = redis.call('HMGET', KEYS[1], 'credits', 'creditSeq')
if not mirror[1] then return 'absent' end
local seq = tonumber(ARGV[1])
local current = tonumber(mirror[2] or '0')
if seq <= current then return 'dup' end
if seq > current + 1 then return 'gap' end
redis.call('HINCRBY', KEYS[1], 'credits', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'avail', ARGV[2])
redis.call('HSET', KEYS[1], 'creditSeq', seq)
return 'ok'
`;

/**
 * Moves the mirror's credits to PostgreSQL's when those are newer. KEYS: funds. ARGV: the mirror's
 * credits as the caller read them (compared as text: no float), the difference to add (computed
 * exactly by the caller), PostgreSQL's creditSeq. Returns 1 (moved), 0 (not loaded, or already as
 * new) or -1 (the credits changed meanwhile: read again).
 */
export const RESYNC_CREDITS = `
local mirror = redis.call('HMGET', KEYS[1], 'credits', 'creditSeq')
if not mirror[1] then return 0 end
if tonumber(ARGV[3]) <= tonumber(mirror[2] or '0') then return 0 end
if mirror[1] ~= ARGV[1] then return -1 end
redis.call('HINCRBY', KEYS[1], 'credits', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'avail', ARGV[2])
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
 * Placing a hold, as Lua functions over the hold's KEYS and ARGV (given as tables), so that a script
 * can check a hold with its other admission checks and complete it only once all passed. Shared by
 * PLACE_HOLD and the relay's admission script (one round trip before the upstream call).
 * K: funds, tq ('' without a quota), holds:due, pp (the tenant's plan period; unused without a plan).
 * A: 1 requestId, 2 amount, 3 enforce balance (1|0), 4 token quota (-1 = none), 5 expiresAt ms,
 * 6 tenantId, 7 the token's quota mirror as named after `tq:` (`<tokenId>:<quota>`), 8 on a plan (1|0), 9-12 the plan's limits on requests, input tokens, output
 * tokens and spend (-1 = none), 13 its included allowance, 14 the request's input tokens, 15 its
 * output tokens at most.
 * On a plan, its allowance pays first: only what it cannot cover is held against the balance.
 * holdCheck returns 0 (held so far), the part the allowance pays and the plan period's counters it
 * read, or 1 (tenant balance short), 2 (token quota short), 3 (a mirror is not loaded), 4 (the plan
 * period is not loaded), 5-8 (the plan's request, input, output or spend limit). Answering 0, it has
 * already taken the balance's part out of `avail`, with the HINCRBY whose answer was the check: a
 * caller whose later check refuses the request gives it back with holdUndo, in the same script, so a
 * refusal still leaves nothing behind. Any other answer has changed nothing. holdApply writes the
 * rest of the hold and returns it: its member in `holds:due`,
 * "requestId|amount|tenant|token|fromBalance|inTokens|outTokens|fromAllowance|pp", where token is
 * '' when the token has no quota (its quota mirror's held part is then left alone).
 */
export const HOLD_FUNCTIONS = `
local function holdInt(x) return string.format('%d', x) end
local function holdCheck(K, A)
  local quota = tonumber(A[4])
  -- A token without a quota has nothing to check: its mirror is not read (one command less).
  local t = {'0', '0'}
  if quota >= 0 then t = redis.call('HMGET', K[2], 'used', 'held') end
  -- A mirror lost or left partial (a Redis restarted without persistence) is loaded again first.
  if not t[1] or not t[2] then return 3, 0 end
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
  if fromBalance > 0 then
    -- The check and the hold in one command: what is left after taking it must not be negative.
    local left = redis.call('HINCRBY', K[1], 'avail', holdInt(-fromBalance))
    if left < 0 or left == -fromBalance then
      -- Short, or avail was 0, or there was no mirror (the HINCRBY made one up) or only a partial
      -- one (what settlements left in a hash Redis lost): whether it is loaded, its credits say.
      local absent = redis.call('HEXISTS', K[1], 'credits') == 0
      if absent or (A[3] == '1' and left < 0) then
        redis.call('HINCRBY', K[1], 'avail', holdInt(fromBalance))
        if absent then return 3, 0 end
        return 1, 0
      end
    end
  end
  if quota >= 0 and amount > 0 then
    local left = quota - tonumber(t[1]) - tonumber(t[2])
    if left < amount then
      if fromBalance > 0 then redis.call('HINCRBY', K[1], 'avail', holdInt(fromBalance)) end
      return 2, 0
    end
  end
  return 0, fromAllowance, p
end
-- Gives back what holdCheck took (it answered 0) when the request is refused after all.
local function holdUndo(K, A, fromAllowance)
  local fromBalance = tonumber(A[2]) - fromAllowance
  if fromBalance > 0 then redis.call('HINCRBY', K[1], 'avail', holdInt(fromBalance)) end
end
local function holdApply(K, A, fromAllowance, p)
  local amount = tonumber(A[2])
  local fromBalance = amount - fromAllowance
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
  ABSENT_KEYS_LUA +
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
 * Releases one stored hold (shared by SETTLE and REAP_HOLDS), given as its text
 * without the requestId: "amount|tenant|token|fromBalance|inTokens|outTokens|fromAllowance|pp".
 * Returns the hold's amount and the part of it the balance answered for, which it gives back to
 * `avail` unless `settling` (a settlement gives it back in the same HINCRBY that takes the charge).
 * `legacy`: a hold of the layout before `funds`, whose part is taken off `held` of `bal:<tenant>`
 * (holds stored before plans existed read "amount|tenant|token" and held the whole amount against
 * the balance). A plan period is touched only while it exists (it expires a week after its period).
 */
const RELEASE_HOLD = `
local function int(x) return string.format('%d', x) end
local function releaseHold(hold, prefix, funds, tq, settling, legacy)
  local amount, tenant, token, rest = string.match(hold, '^(%d+)|([^|]*)|([^|]*)(.*)$')
  local fromBalance, inTokens, outTokens, fromAllowance, pp = string.match(rest, '^|(%d+)|(%d+)|(%d+)|(%d+)|(.*)$')
  fromBalance = fromBalance or amount
  if legacy then
    redis.call('HINCRBY', prefix .. ':bal:' .. tenant, 'held', int(-tonumber(fromBalance)))
  elseif not settling and tonumber(fromBalance) > 0 then
    redis.call('HINCRBY', funds or (prefix .. ':funds:' .. tenant), 'avail', fromBalance)
  end
  if token ~= '' then redis.call('HINCRBY', tq or (prefix .. ':tq:' .. token), 'held', int(-tonumber(amount))) end
  if pp and pp ~= '' and redis.call('EXISTS', pp) == 1 then
    redis.call('HINCRBY', pp, 'hReq', -1)
    redis.call('HINCRBY', pp, 'hIn', int(-tonumber(inTokens)))
    redis.call('HINCRBY', pp, 'hOut', int(-tonumber(outTokens)))
    redis.call('HINCRBY', pp, 'hSpend', int(-tonumber(amount)))
    redis.call('HINCRBY', pp, 'hCov', int(-tonumber(fromAllowance)))
  end
  return amount, tonumber(fromBalance)
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
  -- What the hold took out of avail, given back below in the same write as the charge.
  local back = 0
  if found then
    local text = string.match(A[1], '^[^|]*|(.*)$')
    pp = string.match(text, '|([^|]*)$')
    if p and pp == K[4] then
      -- Released below in the same write as the period's counters.
      held, back = releaseHold(string.gsub(text, '[^|]*$', ''), '', K[1], K[2], true)
    else
      held, back = releaseHold(text, '', K[1], K[2], true)
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
  -- A mirror that is gone (a Redis restarted without persistence) is not recreated here: the usage
  -- record carries the cost to PostgreSQL, and the next hold loads the mirror from there. What a
  -- found hold writes into a hash Redis lost stays partial (no credits) and is set anew by that load.
  local charged = 0
  if cost > 0 then charged = cost - covered end
  if found or (charged > 0 and redis.call('HEXISTS', K[1], 'credits') == 1) then
    if charged > 0 then redis.call('HINCRBY', K[1], 'debits', int(charged)) end
    if back ~= charged then redis.call('HINCRBY', K[1], 'avail', int(back - charged)) end
  end
  -- A token without a quota has no mirror (K[2] absent): nothing checks its spend in Redis.
  if cost > 0 and K[2] ~= '' and (found or redis.call('EXISTS', K[2]) == 1) then
    redis.call('HINCRBY', K[2], 'used', A[2])
  end
  return { held, int(covered) }
end
`;

/**
 * Settles a request, once. KEYS: those of settleHold (SETTLE_FUNCTIONS), then the request's
 * once-marker. ARGV: those of settleHold, then the marker's ttl ms. Returns settleHold's answer.
 */
export const SETTLE =
  ABSENT_KEYS_LUA +
  SETTLE_FUNCTIONS +
  `
return settleHold(KEYS, ARGV, KEYS[5], ARGV[8])
`;

/**
 * Releases holds whose request never settled (its process died). KEYS: holds:due, or for the holds
 * of the layout before `funds` (placed by processes of an earlier version still running in a rolling
 * upgrade, released onto that layout's mirror, which those processes still check) holds:exp, then
 * the hash `holds` of holds stored before their member carried them. ARGV: now ms, batch size, key
 * prefix, how long a reaped hold's mark is kept (ms), '1' for the layout before. Returns how many
 * were released. Their request, should it settle after all, finds its once-marker set to 'reaped'
 * and books its cost once.
 */
export const REAP_HOLDS =
  RELEASE_HOLD +
  `
local legacy = ARGV[5] == '1'
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(expired) do
  local requestId, text = string.match(member, '^([^|]*)|(.*)$')
  if text then
    releaseHold(text, ARGV[3], nil, nil, false, legacy)
    -- Its request may still settle (a stream longer than the hold's ttl): it is to be booked then.
    redis.call('SET', ARGV[3] .. ':once:' .. requestId, 'reaped', 'PX', ARGV[4])
  elseif legacy then
    local hold = redis.call('HGET', KEYS[2], member)
    if hold then
      releaseHold(hold, ARGV[3], nil, nil, false, true)
      redis.call('HDEL', KEYS[2], member)
    end
  end
  redis.call('ZREM', KEYS[1], member)
end
return #expired
`;

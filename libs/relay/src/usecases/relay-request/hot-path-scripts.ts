// The relayed request's two Redis round trips (docs/design.md, "The hot path"; issue #16): one Lua
// script before the upstream call admits it (the worst-case hold, the token's limits and the first
// usable key, checked together and written only when all pass) and one after settles it (the key's
// windows and stats, the hold at the real cost, and the usage event into the stream). The pieces
// are the billing and limit scripts' own Lua functions, so each rule is written once.
import { HOLD_FUNCTIONS, SETTLE_FUNCTIONS } from '@gateway/billing';
import { ABSENT_KEYS_LUA, PACKED_ARGV_AND_RAW_LUA, PACKED_ARGV_LUA } from '@gateway/redis';
import { ACQUIRE_FIRST_FUNCTION, SETTLE_KEY_FUNCTION, TOKEN_FUNCTIONS } from '../../limits/limit-scripts';
import { STICKY_ORDER_FUNCTION } from '../../routing/sticky-order';

/** Count of a hold's ARGV in HOLD_FUNCTIONS (and of its KEYS: funds, tq, holds:due, pp). */
export const HOLD_ARGS = 15;
export const HOLD_KEYS = 4;
/** Count of a settlement's ARGV in SETTLE_FUNCTIONS. */
export const SETTLE_ARGS = 7;

/**
 * KEYS: the hold's four ('' each without a hold), the token's minute window ('' without token
 * limits), the sticky session's key ('' without a session), the request's once-marker, then
 * acquireFirst's per candidate. ARGV: 1 hold (1|0), 2-16 the hold's, 17-20 the token's rpm, tpm,
 * estimated tokens and window ttl, 21 the once-marker's ttl ms, 22 the key ids of the plan's
 * candidates after these (',a,b,', '' when these are the last: the admission sends a window of a
 * large pool, RequestAdmission; '*' when some come after these, unlisted, and a session's key not
 * among these is then answered as a later one), then per candidate its key id, channel block and
 * model section (stickyLayout), then acquireFirst's.
 * The candidates are tried in the plan's order with the session's key first (stickyOrder).
 * Returns {1, holdCheck's verdict} when the hold is refused or a mirror must be loaded first,
 * {2, tokenCheck's verdict} when a token limit is reached, {4, the session's remembered value} when
 * the session's key is not among these candidates but among the later ones, {5, acquireFirst's
 * answer} when none of these could be taken and later ones are left (nothing written in any of
 * these cases: the caller asks again with the session's key first, or with the next window), {3}
 * when the request was settled already, else {0, acquireFirst's answer (6 values), the hold placed
 * ('' for none), the session's remembered value ('' for none)}: the token is counted, and the hold
 * placed when a key was taken. holdCheck takes the hold's balance part as it checks it (one
 * command); a later refusal, or no key taken, gives it back (holdUndo) before the script ends, so
 * nothing is left written. Run again for the same request (a re-sent command), it answers as the
 * first run did, from the once-marker, and writes nothing. Its ARGV comes packed (packArgv).
 */
export const ADMIT_REQUEST = `${PACKED_ARGV_LUA}${ABSENT_KEYS_LUA}${HOLD_FUNCTIONS}${TOKEN_FUNCTIONS}${ACQUIRE_FIRST_FUNCTION}${STICKY_ORDER_FUNCTION}
local marker = KEYS[7]
local sticky, admitted
if KEYS[6] ~= '' then
  local seen = redis.call('MGET', KEYS[6], marker)
  sticky, admitted = seen[1], seen[2]
else
  admitted = redis.call('GET', marker)
end
if admitted then
  if admitted == 'settled' then return {3} end
  local f = {}
  for part in string.gmatch(admitted .. '\\n', '([^\\n]*)\\n') do f[#f + 1] = part end
  return {0, tonumber(f[1]), tonumber(f[2]), tonumber(f[3]), tonumber(f[4]), tonumber(f[5]), tonumber(f[6]), f[7], f[8]}
end
local n = (#KEYS - 7) / 5
local L = {}
for i = 23, 22 + 3 * n do L[#L + 1] = ARGV[i] end
-- The session's value is its key id and when it was written (StickySessions).
local stickyKey = sticky and (string.match(sticky, '^(.-)@%d+$') or sticky)
local later = ARGV[22]
if later ~= '' and stickyKey and stickyKey ~= '' and (later == '*' or string.find(later, ',' .. stickyKey .. ',', 1, true)) then
  local here = false
  for i = 1, n do
    if L[(i - 1) * 3 + 1] == stickyKey then here = true break end
  end
  if not here then return {4, sticky} end
end
local holding = ARGV[1] == '1'
local HK = {KEYS[1], KEYS[2], KEYS[3], KEYS[4]}
local HA = {}
for i = 1, ${HOLD_ARGS} do HA[i] = ARGV[1 + i] end
local fromAllowance, period = 0, nil
if holding then
  local verdict, allowance, p = holdCheck(HK, HA)
  if verdict ~= 0 then return {1, verdict} end
  fromAllowance, period = allowance, p
end
local window = KEYS[5]
if window ~= '' then
  local verdict = tokenCheck(window, ARGV[17], ARGV[18], ARGV[19])
  if verdict ~= 0 then
    if holding then holdUndo(HK, HA, fromAllowance) end
    return {2, verdict}
  end
end
local AK, AA = {}, {}
for i = 8, #KEYS do AK[#AK + 1] = KEYS[i] end
for i = 23 + 3 * n, #ARGV do AA[#AA + 1] = ARGV[i] end
local taken = acquireFirst(AK, AA, stickyOrder(stickyKey, L, n))
if taken[1] == 0 and later ~= '' then
  if holding then holdUndo(HK, HA, fromAllowance) end
  return {5, taken[1], taken[2], taken[3], taken[4], taken[5], taken[6]}
end
if window ~= '' then tokenCount(window, ARGV[19], ARGV[20]) end
local hold = ''
if holding then
  -- No key taken: nothing is held (holdCheck's part given back), the refusal says why.
  if taken[1] > 0 then hold = holdApply(HK, HA, fromAllowance, period) else holdUndo(HK, HA, fromAllowance) end
end
if not sticky then sticky = '' end
redis.call('SET', marker, table.concat({taken[1], taken[2], taken[3], taken[4], taken[5], taken[6], hold, sticky}, '\\n'),
  'PX', ARGV[21])
return {0, taken[1], taken[2], taken[3], taken[4], taken[5], taken[6], hold, sticky}
`;

/**
 * KEYS: the settlement's four ('' each when there is no money to settle), settleKey's six ('' each
 * without an attempt to settle), the usage stream, the sticky session's key ('' for none), the
 * request's once-marker. ARGV, packed (packArgv): 1 money (1|0), 2-8 settleHold's, 9 attempt (1|0),
 * 10-15 settleKey's, 16 the event field's name, 17-18 the sticky session's value (its key id and
 * when) and ttl in seconds, written to the session's key unless that is absent; 19 the once-marker's
 * ttl ms. Then, as sent (RAW_ARG), the usage event's JSON up to the value of its last field,
 * coveredNano, which only this script knows.
 * Returns the part the allowance covered; a second run (a re-sent command) changes nothing and
 * returns '-', or '?' when it cannot tell it is one (settleHold): the caller then hands the usage
 * event to the recorder, and the worker stores it once.
 */
export const SETTLE_REQUEST = `${PACKED_ARGV_AND_RAW_LUA}${ABSENT_KEYS_LUA}${SETTLE_FUNCTIONS}${SETTLE_KEY_FUNCTION}
local covered = '0'
if ARGV[1] == '1' then
  local SA = {}
  for i = 1, ${SETTLE_ARGS} do SA[i] = ARGV[1 + i] end
  local settled = settleHold({KEYS[1], KEYS[2], KEYS[3], KEYS[4]}, SA, KEYS[13], ARGV[19])
  if settled[2] == nil then return settled[1] end
  covered = settled[2]
elseif settleOnce(KEYS[13], ARGV[19], false) ~= 'first' then
  return '-'
end
if ARGV[9] == '1' then
  settleKey(
    {KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]},
    {ARGV[10], ARGV[11], ARGV[12], ARGV[13], ARGV[14], ARGV[15]}
  )
end
redis.call('XADD', KEYS[11], '*', ARGV[16], RAW_ARG .. covered .. '"}')
if KEYS[12] ~= '' then redis.call('SET', KEYS[12], ARGV[17], 'EX', ARGV[18]) end
return covered
`;

/**
 * A request whose admission got no answer (a command timeout, a dropped connection): ADMIT_REQUEST
 * may have run, or may still run (a command already sent, or one ioredis sends again). KEYS:
 * settleHold's four, the token's minute window ('' without token limits), the request's
 * once-marker. ARGV: settleHold's seven (its first, the hold's member, is read from the marker),
 * the estimated tokens, the once-marker's ttl ms. Marks the request settled, so that an admission
 * that runs after this answers {3} and writes nothing; one that ran before left its answer in the
 * marker: its hold is released at no cost and the token's window gets its estimate back, as for a
 * request that never reached an upstream. Returns {} when no admission had run, else {the position
 * of the key it took (0: none), the session's remembered value}, so that the caller gives that
 * key's windows their estimate back.
 */
export const ABANDON_ADMISSION = `${ABSENT_KEYS_LUA}${SETTLE_FUNCTIONS}
local marker = KEYS[6]
local seen = redis.call('SET', marker, 'settled', 'GET', 'PX', ARGV[${SETTLE_ARGS} + 2])
if not seen or seen == 'settled' or seen == 'reaped' then return {} end
local f = {}
for part in string.gmatch(seen .. '\\n', '([^\\n]*)\\n') do f[#f + 1] = part end
if f[7] and f[7] ~= '' then
  local SA = {f[7]}
  for i = 2, ${SETTLE_ARGS} do SA[i] = ARGV[i] end
  settleHold({KEYS[1], KEYS[2], KEYS[3], KEYS[4]}, SA, marker, ARGV[${SETTLE_ARGS} + 2])
end
if KEYS[5] ~= '' and redis.call('EXISTS', KEYS[5]) == 1 then
  redis.call('HINCRBY', KEYS[5], 't', -tonumber(ARGV[${SETTLE_ARGS} + 1]))
end
return {tonumber(f[1]) or 0, f[8] or ''}
`;

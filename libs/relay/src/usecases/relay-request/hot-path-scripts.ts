// The relayed request's two Redis round trips (docs/design.md, "The hot path"; issue #16): one Lua
// script before the upstream call admits it (the worst-case hold, the token's limits and the first
// usable key, checked together and written only when all pass) and one after settles it (the key's
// windows and stats, the hold at the real cost, and the usage event into the stream). The pieces
// are the billing and limit scripts' own Lua functions, so each rule is written once.
import { HOLD_FUNCTIONS, SETTLE_FUNCTIONS } from '@gateway/billing';
import { ABSENT_KEYS_LUA } from '@gateway/redis';
import { ACQUIRE_FIRST_FUNCTION, SETTLE_KEY_FUNCTION, TOKEN_FUNCTIONS } from '../../limits/limit-scripts';

/** Count of a hold's ARGV in HOLD_FUNCTIONS (and of its KEYS: bal, tq, holds, holds:exp, pp). */
export const HOLD_ARGS = 15;
export const HOLD_KEYS = 5;
/** Count of a settlement's ARGV in SETTLE_FUNCTIONS. */
export const SETTLE_ARGS = 7;

/**
 * KEYS: the hold's five ('' each without a hold), the token's minute window ('' without token
 * limits), then acquireFirst's per candidate. ARGV: 1 hold (1|0), 2-16 the hold's, 17-20 the token's
 * rpm, tpm, estimated tokens and window ttl, then acquireFirst's.
 * Returns {1, holdCheck's verdict} when the hold is refused or a mirror must be loaded first,
 * {2, tokenCheck's verdict} when a token limit is reached (nothing written in either case), else
 * {0, acquireFirst's answer...}: the token is counted, and the hold placed when a key was taken.
 */
export const ADMIT_REQUEST = `${ABSENT_KEYS_LUA}${HOLD_FUNCTIONS}${TOKEN_FUNCTIONS}${ACQUIRE_FIRST_FUNCTION}
local holding = ARGV[1] == '1'
local HK = {KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]}
local HA = {}
for i = 1, ${HOLD_ARGS} do HA[i] = ARGV[1 + i] end
local fromAllowance = 0
if holding then
  local verdict, allowance = holdCheck(HK, HA)
  if verdict ~= 0 then return {1, verdict} end
  fromAllowance = allowance
end
local window = KEYS[6]
if window ~= '' then
  local verdict = tokenCheck(window, ARGV[17], ARGV[18], ARGV[19])
  if verdict ~= 0 then return {2, verdict} end
end
local AK, AA = {}, {}
for i = 7, #KEYS do AK[#AK + 1] = KEYS[i] end
for i = 21, #ARGV do AA[#AA + 1] = ARGV[i] end
local taken = acquireFirst(AK, AA)
if window ~= '' then tokenCount(window, ARGV[19], ARGV[20]) end
if holding and taken[1] > 0 then holdApply(HK, HA, fromAllowance) end
return {0, taken[1], taken[2], taken[3], taken[4], taken[5]}
`;

/**
 * KEYS: the settlement's five ('' each when there is no money to settle), settleKey's six ('' each
 * without an attempt to settle), the usage stream, the sticky session's key (absent: none). ARGV: 1 money (1|0), 2-8 settleHold's, 9 attempt
 * (1|0), 10-14 settleKey's, 15 the event field's name, 16 the usage event's JSON up to the value of
 * its last field, coveredNano, which only this script knows; 17-18 the sticky session's key id and
 * ttl in seconds, written to KEYS[13] unless that is absent. Returns the part the allowance covered.
 */
export const SETTLE_REQUEST = `${ABSENT_KEYS_LUA}${SETTLE_FUNCTIONS}${SETTLE_KEY_FUNCTION}
if ARGV[9] == '1' then
  settleKey(
    {KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11]},
    {ARGV[10], ARGV[11], ARGV[12], ARGV[13], ARGV[14]}
  )
end
local covered = '0'
if ARGV[1] == '1' then
  local SA = {}
  for i = 1, ${SETTLE_ARGS} do SA[i] = ARGV[1 + i] end
  covered = settleHold({KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]}, SA)[2]
end
redis.call('XADD', KEYS[12], '*', ARGV[15], ARGV[16] .. covered .. '"}')
if KEYS[13] ~= '' then redis.call('SET', KEYS[13], ARGV[17], 'EX', ARGV[18]) end
return covered
`;

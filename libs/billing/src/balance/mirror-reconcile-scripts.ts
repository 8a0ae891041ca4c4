// The one write of the mirror's reconciliation with the ledger (docs/design.md "Money"): a
// compare-and-add, so it is exact (HINCRBY, never Lua arithmetic on the ever-growing sums) and a
// settlement that moved the counter since it was read makes the caller read again.

/**
 * KEYS: a mirror hash (`funds:<tenant>`, `tq:<token>` or `pp:<tenant>:<period>`). ARGV: the counter
 * (`debits`, `used`, or a plan period's `req`, `in`, `out`, `spend`, `cov`), its value as the caller
 * read it, the positive amount to add, the field that moves the other way (`avail`, or '' for
 * none), the field a loaded mirror always has (`credits`, a token's `held`, or a plan period's `hReq`). Returns 1 (moved),
 * 0 (the mirror is not loaded: nothing to correct, the next hold loads it from PostgreSQL) or -1
 * (the counter changed meanwhile: read again).
 */
export const RECONCILE_MIRROR_COUNTER = `
if redis.call('HEXISTS', KEYS[1], ARGV[5]) == 0 then return 0 end
if ARGV[4] ~= '' and redis.call('HEXISTS', KEYS[1], ARGV[4]) == 0 then return 0 end
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return -1 end
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] ~= '' then redis.call('HINCRBY', KEYS[1], ARGV[4], '-' .. ARGV[3]) end
return 1
`;

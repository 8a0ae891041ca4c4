// A script's KEYS slot with nothing in it. The relay's scripts take a fixed layout of KEYS where
// some are absent (no hold, no limit, no attempt to settle); an empty name would hash to slot 0 and a
// Redis Cluster would refuse the call (CROSSSLOT). The placeholder is a name under the deployment's
// prefix, so it shares the prefix's hash slot, and every such script starts with ABSENT_KEYS_LUA,
// which turns it back into '' before the script's own code looks at KEYS.

const SUFFIX = ':-';

/** The placeholder for an absent key under `prefix` (REDIS_PREFIX). */
export function absentKey(prefix: string): string {
  return `${prefix}${SUFFIX}`;
}

/** The first lines of a script that takes absent keys: they read as '' from then on. */
export const ABSENT_KEYS_LUA = `for i = 1, #KEYS do
  if string.sub(KEYS[i], -${SUFFIX.length}) == '${SUFFIX}' then KEYS[i] = '' end
end
`;

// A script's ARGV sent as one JSON array instead of one RESP argument each. The relay's admission
// script takes about 75 arguments per request; ioredis turns every one into four string pieces and
// flattens them into the command, which was the largest allocation of a relayed request (about 18 KB
// of its 139 KB in the api) and a good part of ioredis's CPU share. One JSON string is one argument. A script that
// takes its ARGV this way starts with PACKED_ARGV_LUA, which turns the array back into ARGV before
// the script's own code (and any function it defines) reads it, so the script reads ARGV as before.
//
// Every value is sent as a JSON string, never a JSON number, so that the script sees the same
// strings it would have been given one by one: a number goes through String() exactly as ioredis
// sends it, and no amount passes through a Lua double on its way in.

/** The first line of a script whose ARGV comes packed by packArgv: ARGV is the array from then on. */
export const PACKED_ARGV_LUA = `local ARGV = cjson.decode(ARGV[1])
`;

/**
 * As PACKED_ARGV_LUA, for a script that takes one more argument as it was sent, after the packed
 * array: RAW_ARG, a long JSON text (the relay's usage event) that packing would escape once more.
 */
export const PACKED_ARGV_AND_RAW_LUA = `local RAW_ARG = ARGV[2]
${PACKED_ARGV_LUA}`;

/**
 * The one argument that carries `args` to a script starting with PACKED_ARGV_LUA. A lone UTF-16
 * surrogate becomes U+FFFD, as it does when ioredis writes a string to the socket as UTF-8 (Redis's
 * cjson refuses the `\udxxx` escape JSON.stringify would write for it).
 */
export function packArgv(args: readonly (string | number | bigint)[]): string {
  // Pushed, not mapped: `map` makes a holey array, which JSON.stringify reads element by element
  // through V8's slow path (about a quarter longer for the admission's 75 values).
  const strings: string[] = [];
  for (const value of args) strings.push(String(value).toWellFormed());
  return JSON.stringify(strings);
}

import { TEST_REDIS_URL } from '@gateway/testing';
import Redis from 'ioredis';
import { PACKED_ARGV_AND_RAW_LUA, PACKED_ARGV_LUA, packArgv } from './packed-argv';

// What a script reads from ARGV, byte for byte: its length, then each value as hex (a Lua string
// may hold any byte, NUL included, and ioredis would decode the answer as UTF-8).
const ECHO_ARGV = `local out = {tostring(#ARGV)}
for i = 1, #ARGV do
  local hex = {}
  for j = 1, #ARGV[i] do hex[j] = string.format('%02x', string.byte(ARGV[i], j)) end
  out[#out + 1] = type(ARGV[i]) .. ':' .. table.concat(hex)
end
return out
`;

describe('packArgv and PACKED_ARGV_LUA (real Redis)', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(() => redis.disconnect());

  const unpacked = (args: (string | number | bigint)[]) =>
    redis.eval(ECHO_ARGV, 0, ...args.map((value) => (typeof value === 'bigint' ? String(value) : value)));
  const packed = (args: (string | number | bigint)[]) =>
    redis.eval(PACKED_ARGV_LUA + ECHO_ARGV, 0, packArgv(args));

  const cases: [string, (string | number | bigint)[]][] = [
    ['plain ids, flags and window names', ['1', '0', 'tok_01HZX', 'gw:win:m:2026-12-04T17:05']],
    ['empty strings, also first and last', ['', 'a', '']],
    ['numbers as ioredis sends them', [0, -1, 42, 1733331900000, 2 ** 53 - 1, 1.5, -0.25]],
    [
      'amounts past a double, as bigint and as text',
      [18446744073709551615n, '170141183460469231731687303715884105727'],
    ],
    ['JSON and Lua metacharacters', ['"quoted"', 'back\\slash', '\\u0041', '%d %s', '[[', ']]', '{"a":[1]}']],
    ['control characters, NUL among them', ['\u0000', 'a\u0000b', '\n\r\t\b\f', '\u001f\u007f']],
    ['text beyond ASCII', ['modèle-π', '模型', 'emoji 🙂 pair', '\u2028\u2029']],
    ['lone surrogates (sent as U+FFFD, like ioredis)', ['\ud800', 'x\udfffy', '\ud83d', 'ok\ud83d\ude42ok']],
    ['no values at all', []],
  ];

  it.each(cases)('a script reads the same ARGV packed as unpacked: %s', async (_name, args) => {
    const expected = await unpacked(args);
    expect(await packed(args)).toEqual(expected);
    expect((expected as string[])[0]).toBe(String(args.length));
  });

  it('reads every value as a string, however many there are', async () => {
    const args = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? i : `v${i}`));
    const answer = (await packed(args)) as string[];
    expect(answer).toHaveLength(401);
    expect(answer.slice(1).every((entry) => entry.startsWith('string:'))).toBe(true);
    expect(answer).toEqual(await unpacked(args));
  });

  it.each(cases)(
    'with PACKED_ARGV_AND_RAW_LUA, ARGV is the same and RAW_ARG the text as sent: %s',
    async (_name, args) => {
      // The usage event's JSON up to its last value: quotes, escapes and text beyond ASCII, kept as
      // they are (packing would escape them once more).
      const raw = '{"model":"模型 \\"q\\"","note":"a\\u0000b 🙂","coveredNano":"';
      const script = `${PACKED_ARGV_AND_RAW_LUA}${ECHO_ARGV.replace('return out', 'out[#out + 1] = RAW_ARG\nreturn out')}`;
      const answer = (await redis.eval(script, 0, packArgv(args), raw)) as string[];
      expect(answer.slice(0, -1)).toEqual(await unpacked(args));
      expect(answer.at(-1)).toBe(raw);
    },
  );

  it('is one JSON array of strings', () => {
    expect(JSON.parse(packArgv(['a', 1, 2n]))).toEqual(['a', '1', '2']);
    // A backslash that only looks like a surrogate's escape is left as it is.
    expect(JSON.parse(packArgv(['\\ud800']))).toEqual(['\\ud800']);
    expect(JSON.parse(packArgv(['\ud800']))).toEqual(['\ufffd']);
  });
});

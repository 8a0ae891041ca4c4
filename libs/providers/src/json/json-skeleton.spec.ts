import { JsonSkeleton } from './json-skeleton';

/** Feeds `text` in pieces of `size` bytes, as a socket would deliver it. */
function skeletonOf(text: string, size: number, limit?: number): Record<string, unknown> | null {
  const skeleton = new JsonSkeleton(limit);
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) skeleton.push(bytes.subarray(i, i + size));
  return skeleton.result();
}

describe('JsonSkeleton', () => {
  const usage = { prompt_tokens: 7, total_tokens: 7 };
  const big = {
    object: 'list',
    data: Array.from({ length: 200 }, (_, index) => ({ index, embedding: [0.25, -1.5e-3, 3] })),
    model: 'emb-1',
    usage,
  };

  it.each([1, 3, 64, 100_000])(
    'keeps the small members and drops the large ones (pieces of %i bytes)',
    (size) => {
      const text = JSON.stringify(big, null, size === 3 ? 2 : undefined);
      expect(skeletonOf(text, size, 1024)).toEqual({ object: 'list', model: 'emb-1', usage });
    },
  );

  it('reads strings with escaped quotes, brackets, commas and multi-byte characters', () => {
    const body = { text: 'a "quoted", {braced} [list] \\ 漢字 ✓', usage, nested: { a: [1, { b: ',' }] } };
    expect(skeletonOf(JSON.stringify(body), 5)).toEqual(body);
  });

  it('keeps every member of a small body', () => {
    expect(skeletonOf('  {"a":1,"b":[true,null],"c":{"d":"e"}}\n', 2)).toEqual({
      a: 1,
      b: [true, null],
      c: { d: 'e' },
    });
    expect(skeletonOf('{}', 1)).toEqual({});
  });

  it.each([
    ['a truncated body', '{"usage":{"prompt_tokens":1}'],
    ['an array', '[1,2]'],
    ['trailing bytes', '{"a":1} x'],
    ['broken JSON in a kept member', '{"a":tru}'],
    ['nothing', ''],
  ])('gives null for %s', (_name, text) => {
    expect(skeletonOf(text, 4)).toBeNull();
  });
});

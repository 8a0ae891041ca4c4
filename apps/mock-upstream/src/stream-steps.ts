/** Half-open token range `[start, end)` of one content chunk. */
export interface TokenRange {
  start: number;
  end: number;
}

/**
 * Splits `tokens` into `chunks` ranges as evenly as possible (earlier chunks take the remainder).
 * Unset `chunks` means one token per chunk; more chunks than tokens means one token per chunk,
 * because an empty content chunk would carry nothing.
 */
export function chunkRanges(tokens: number, chunks: number | undefined): TokenRange[] {
  const count = Math.min(chunks ?? tokens, tokens);
  const ranges: TokenRange[] = [];
  const base = Math.floor(tokens / Math.max(count, 1));
  let remainder = tokens - base * count;
  let start = 0;
  for (let index = 0; index < count; index++) {
    const size = base + (remainder > 0 ? 1 : 0);
    if (remainder > 0) remainder--;
    ranges.push({ start, end: start + size });
    start += size;
  }
  return ranges;
}

/**
 * A stream as timed steps: every step's chunks are written together, the first step after `ttft`,
 * each later one `chunkDelay` after the previous. The opening chunks ride with the first content
 * chunk and the closing chunks (finish, usage) with the last, so a stream of N content chunks
 * takes ttft + (N - 1) * chunkDelay.
 */
export function* streamSteps<Chunk>(
  opening: readonly Chunk[],
  ranges: readonly TokenRange[],
  content: (range: TokenRange) => Chunk[],
  closing: () => Chunk[],
): Generator<Chunk[]> {
  if (ranges.length === 0) {
    yield [...opening, ...closing()];
    return;
  }
  for (let index = 0; index < ranges.length; index++) {
    const step = content(ranges[index]);
    const first = index === 0 ? [...opening, ...step] : step;
    yield index === ranges.length - 1 ? [...first, ...closing()] : first;
  }
}

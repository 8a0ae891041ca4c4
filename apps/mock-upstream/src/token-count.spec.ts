import { mockCompletionText, mockToolArguments, tokenPiece } from './generated-text';
import { chunkRanges } from './stream-steps';
import { countChatPromptTokens, countPromptTokens, countTokens, TOKENS_PER_MESSAGE } from './token-count';

describe('countTokens', () => {
  it('counts whitespace-separated words', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('   ')).toBe(0);
    expect(countTokens('one')).toBe(1);
    expect(countTokens('  one two\tthree\nfour  ')).toBe(4);
    expect(countTokens('héllo, wörld!')).toBe(2);
  });

  it('gives the same answer on repeated calls (no leftover regex state)', () => {
    expect(countTokens('a b c')).toBe(3);
    expect(countTokens('a b c')).toBe(3);
  });
});

describe('countChatPromptTokens', () => {
  it(`counts the words of each message plus ${TOKENS_PER_MESSAGE} per message`, () => {
    expect(
      countChatPromptTokens([
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello there world' },
      ]),
    ).toBe(2 + 3 + 2 * TOKENS_PER_MESSAGE);
  });

  it('counts only the text parts of multi-part content', () => {
    const content = [
      { type: 'text', text: 'what is this' },
      { type: 'image_url', image_url: { url: 'https://example.com/a b c.png' } },
      { type: 'text', text: 'picture' },
    ];
    expect(countChatPromptTokens([{ role: 'user', content }])).toBe(4 + TOKENS_PER_MESSAGE);
  });

  it('counts messages without text (tool calls, null content) at the per-message cost', () => {
    expect(
      countChatPromptTokens([
        { role: 'assistant', content: null, tool_calls: [{ id: 'x', function: { arguments: 'a b' } }] },
      ]),
    ).toBe(TOKENS_PER_MESSAGE);
  });
});

describe('countPromptTokens', () => {
  it('counts words of strings and ids of token arrays', () => {
    expect(countPromptTokens('a b c')).toBe(3);
    expect(countPromptTokens(['a b', 'c'])).toBe(3);
    expect(countPromptTokens([1, 2, 3, 4])).toBe(4);
    expect(countPromptTokens([[1, 2], [3]])).toBe(3);
    expect(countPromptTokens(undefined)).toBe(0);
  });
});

describe('generated text', () => {
  it('has exactly as many tokens as were generated', () => {
    for (const tokens of [0, 1, 2, 12, 100]) {
      expect(countTokens(mockCompletionText(tokens))).toBe(tokens);
      expect(countTokens(mockCompletionText(tokens, 3))).toBe(tokens);
    }
  });

  it('is the concatenation of its pieces, and differs per choice', () => {
    const pieces = Array.from({ length: 5 }, (_, index) => tokenPiece(index, 0));
    expect(pieces.join('')).toBe(mockCompletionText(5));
    expect(mockCompletionText(5, 1)).not.toBe(mockCompletionText(5, 0));
  });

  it('makes tool arguments valid JSON whose words are the tokens', () => {
    expect(JSON.parse(mockToolArguments(0))).toEqual({ mock: '' });
    const args = JSON.parse(mockToolArguments(4)) as { mock: string };
    expect(countTokens(args.mock)).toBe(4);
  });
});

describe('chunkRanges', () => {
  it('spreads tokens evenly over the chunks, covering every token once', () => {
    expect(chunkRanges(10, 3)).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 7 },
      { start: 7, end: 10 },
    ]);
  });

  it('defaults to one token per chunk and never makes empty chunks', () => {
    expect(chunkRanges(3, undefined)).toHaveLength(3);
    expect(chunkRanges(3, 10)).toHaveLength(3);
    expect(chunkRanges(0, 4)).toEqual([]);
  });
});

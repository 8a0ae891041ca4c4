import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatCompletionBody } from '../openai/request';
import {
  CompletionTokenCounter,
  countChatPromptTokens,
  countPromptInputTokens,
  countTextTokens,
  NON_TEXT_PART_TOKENS,
  REPLY_PRIMING_TOKENS,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
} from './token-counter';

const plain = (text: string) => countTokens(text, { disallowedSpecial: new Set() });
const ENGLISH =
  'The quick brown fox jumps over the lazy dog.\n\nIt was the best of times, it was the worst of times; ' +
  'numbers like 1234567 and URLs like https://example.com/a?b=c stay countable.';

describe('countTextTokens', () => {
  it('equals the tokenizer on ordinary text, short or long', () => {
    expect(countTextTokens('Say hello')).toBe(plain('Say hello'));
    const long = ENGLISH.repeat(50);
    expect(countTextTokens(long)).toBe(plain(long));
  });

  it('reads special-token markers in user text as text instead of throwing', () => {
    expect(countTextTokens('<|endoftext|> and <|im_start|>')).toBeGreaterThan(2);
  });

  it.each([
    ['letters', 'x'.repeat(200_000)],
    ['Chinese without punctuation', '你好世界我们今天讨论一下这个问题的解决方案'.repeat(10_000)],
    ['spaces', ' '.repeat(200_000)],
    ['punctuation', '!'.repeat(200_000)],
    ['accented letters', 'é'.repeat(200_000)],
  ])('stays linear on a long run of %s (the tokenizer alone is quadratic there)', (_name, text) => {
    const started = Date.now();
    const tokens = countTextTokens(text);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(tokens).toBeGreaterThan(0);
  });

  it('stays close to the tokenizer on a long run it slices', () => {
    const text = '你好世界我们今天讨论一下这个问题的解决方案'.repeat(50); // 1000 characters
    expect(Math.abs(countTextTokens(text) - plain(text))).toBeLessThanOrEqual(text.length / 128 + 1);
  });

  it('never cuts an emoji in half when slicing', () => {
    // 'a' shifts the pairs so that slice boundaries would fall between their halves.
    const text = 'a' + '😀'.repeat(1000);
    expect(countTextTokens(text)).toBe(plain(text));
  });
});

describe('countChatPromptTokens', () => {
  it('counts framing, role and text per message, plus the reply priming', () => {
    const body: ChatCompletionBody = { model: 'm', messages: [{ role: 'user', content: 'Say hello' }] };
    expect(countChatPromptTokens(body)).toBe(
      REPLY_PRIMING_TOKENS + TOKENS_PER_MESSAGE + plain('user') + plain('Say hello'),
    );
  });

  it('counts names, text parts, flat non-text parts, tool calls and tool definitions', () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const body: ChatCompletionBody = {
      model: 'm',
      tools,
      messages: [
        {
          role: 'user',
          name: 'ann',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ],
    };
    const expected =
      REPLY_PRIMING_TOKENS +
      3 * TOKENS_PER_MESSAGE +
      plain('user') +
      TOKENS_PER_NAME +
      plain('ann') +
      plain('What is this?') +
      NON_TEXT_PART_TOKENS +
      plain('assistant') +
      plain('get_weather') +
      plain('{"city":"Paris"}') +
      plain('tool') +
      plain('sunny') +
      plain(JSON.stringify(tools));
    expect(countChatPromptTokens(body)).toBe(expected);
  });
});

describe('countPromptInputTokens', () => {
  it('tokenizes texts and counts token ids', () => {
    expect(countPromptInputTokens('Say hello')).toBe(plain('Say hello'));
    expect(countPromptInputTokens(['a b', 'c'])).toBe(plain('a b') + plain('c'));
    expect(countPromptInputTokens([1, 2, 3])).toBe(3);
    expect(countPromptInputTokens([[1, 2], [3]])).toBe(3);
  });
});

describe('CompletionTokenCounter', () => {
  function countPieces(pieces: string[]): number {
    const counter = new CompletionTokenCounter();
    for (const piece of pieces) counter.add(piece);
    return counter.total;
  }

  it('equals counting the whole text when pieces are words, parts of words or whole lines', () => {
    const long = ENGLISH.repeat(8); // well past the tail limit: cuts must land between tokens
    expect(countPieces(long.split(/(?= )/))).toBe(plain(long));
    expect(countPieces(long.match(/.{1,3}/gs)!)).toBe(plain(long));
    const lines = 'first line\n\nsecond line\n  indented third\n'.repeat(20);
    expect(countPieces(lines.split(/(?<=\n)/))).toBe(plain(lines));
  });

  it('keeps no more than the unfinished word of spaced text', () => {
    const counter = new CompletionTokenCounter();
    for (const word of ENGLISH.repeat(20).split(/(?= )/)) counter.add(word);
    expect((counter as unknown as { tail: string }).tail.length).toBeLessThan(40);
  });

  it('counts Chinese streamed a few characters at a time like the whole text', () => {
    const text = '你好，世界！今天天气很好，我们去公园散步吧。';
    expect(countPieces(text.match(/.{1,2}/gsu)!)).toBe(plain(text));
  });

  it('keeps only a bounded tail, whatever the stream', () => {
    const counter = new CompletionTokenCounter();
    for (let i = 0; i < 10_000; i++) counter.add('无空格的长文本');
    expect((counter as unknown as { tail: string }).tail.length).toBeLessThanOrEqual(256 + 7);
    expect(counter.total).toBeGreaterThan(10_000);
  });

  it('reading the total does not change it', () => {
    const counter = new CompletionTokenCounter();
    counter.add('alpha bra');
    const first = counter.total;
    expect(counter.total).toBe(first);
    counter.add('vo');
    expect(counter.total).toBe(plain('alpha bravo'));
  });
});

describe('the o200k tables', () => {
  // A fresh process: this suite's own imports above have loaded the tables already.
  it('are loaded at the first count, not when the library is imported (a worker never pays for them)', () => {
    const script = [
      "const providers = require('./libs/providers/src/index.ts');",
      "const loaded = () => Object.keys(require.cache).some((path) => path.includes('o200k_base'));",
      'const before = loaded();',
      "const tokens = providers.countTextTokens('hello world');",
      'process.stdout.write(JSON.stringify({ before, tokens, after: loaded() }));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['-r', 'esbuild-register', '-e', script], {
      cwd: join(__dirname, '../../../..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(JSON.parse(out)).toEqual({ before: false, tokens: countTokens('hello world'), after: true });
  });
});

import type { CanonicalRequest } from '../canonical/canonical-model';
import type { ChatCompletionBody } from '../openai/request';
import {
  AUDIO_MIN_BYTES_PER_SECOND,
  AUDIO_TOKENS_PER_SECOND,
  BYTES_PER_TOKEN,
  canonicalPromptTokensBound,
  chatPromptTokensBound,
  IMAGE_PART_TOKENS,
  promptInputTokensBound,
  textTokensBound,
} from './prompt-bound';
import { countCanonicalPromptTokens, countChatPromptTokens, countPromptInputTokens } from './token-counter';

const chat = (messages: ChatCompletionBody['messages'], extra: Partial<ChatCompletionBody> = {}) =>
  ({ model: 'm', messages, ...extra }) as ChatCompletionBody;

const TEXTS: Record<string, string> = {
  english:
    'The quick brown fox jumps over the lazy dog. It was the best of times, it was the worst of times; ' +
    'numbers like 1234567 and URLs like https://example.com/a?b=c stay countable.',
  code: 'export function add(a: number, b: number): number {\n  return a + b; // sum\n}\n'.repeat(20),
  json: JSON.stringify({ items: Array.from({ length: 50 }, (_, i) => ({ id: i, name: `item-${i}` })) }),
  chinese: '你好世界，我们今天讨论一下这个问题的解决方案。'.repeat(40),
  japanese: 'こんにちは、世界。今日はいい天気ですね。'.repeat(40),
  russian: 'Съешь же ещё этих мягких французских булок, да выпей чаю. '.repeat(20),
  emoji: '🙂🚀✨ '.repeat(50),
  digits: '3.14159265358979323846264338327950288419716939937510 '.repeat(20),
  whitespace: ' \n\t'.repeat(300),
};

describe('textTokensBound', () => {
  it('is one token per 2.5 UTF-8 bytes, rounded up', () => {
    expect(BYTES_PER_TOKEN).toBe(2.5);
    expect(textTokensBound('')).toBe(0);
    expect(textTokensBound('a')).toBe(1);
    expect(textTokensBound('abcde')).toBe(2);
    expect(textTokensBound('abcdef')).toBe(3);
    expect(textTokensBound('你好')).toBe(3); // 6 bytes
  });

  it.each(Object.entries(TEXTS))('is at or above the tokenizer on %s', (_name, text) => {
    const bound = chatPromptTokensBound(chat([{ role: 'user', content: text }]));
    expect(bound).toBeGreaterThanOrEqual(countChatPromptTokens(chat([{ role: 'user', content: text }])));
  });
});

describe('chatPromptTokensBound', () => {
  it('counts every message, name, tool call and tool definition at or above the tokenizer', () => {
    const body = chat(
      [
        { role: 'system', content: TEXTS['english'] as string },
        { role: 'user', name: 'alice', content: [{ type: 'text', text: TEXTS['code'] as string }] },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: TEXTS['json'] as string },
      ],
      {
        tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      } as Partial<ChatCompletionBody>,
    );
    const bound = chatPromptTokensBound(body);
    expect(bound).toBeGreaterThanOrEqual(countChatPromptTokens(body));
    // A bound, not a wild over-estimate: English and code stay under twice the tokenizer's count.
    expect(bound).toBeLessThan(2 * countChatPromptTokens(body));
  });

  it('holds each image part at the largest any provider counts for one image', () => {
    const image = { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'high' } };
    const one = chatPromptTokensBound(
      chat([{ role: 'user', content: [{ type: 'text', text: 'what?' }, image] }]),
    );
    const three = chatPromptTokensBound(
      chat([{ role: 'user', content: [{ type: 'text', text: 'what?' }, image, image, image] }]),
    );
    expect(one).toBeGreaterThanOrEqual(IMAGE_PART_TOKENS);
    expect(three - one).toBe(2 * IMAGE_PART_TOKENS);
  });

  it('holds an audio part by the seconds its data may carry', () => {
    // 99,000 bytes of audio: 198 seconds at the lowest rate assumed.
    const data = Buffer.alloc(99_000).toString('base64');
    const audio = { type: 'input_audio', input_audio: { data, format: 'wav' } };
    const withAudio = chatPromptTokensBound(chat([{ role: 'user', content: [audio] }]));
    const empty = chatPromptTokensBound(chat([{ role: 'user', content: [] }]));
    expect(withAudio - empty).toBe(Math.ceil(99_000 / AUDIO_MIN_BYTES_PER_SECOND) * AUDIO_TOKENS_PER_SECOND);
  });

  it('holds a PCM WAV part by the duration in its header', () => {
    // 16 kHz mono 16-bit: 32,000 bytes a second; 3 s of samples.
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'latin1');
    header.write('WAVE', 8, 'latin1');
    header.write('fmt ', 12, 'latin1');
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(16_000, 24);
    header.writeUInt32LE(32_000, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36, 'latin1');
    const wav = Buffer.concat([header, Buffer.alloc(96_000)]).toString('base64');
    const audio = (data: string) => ({ type: 'input_audio', input_audio: { data, format: 'wav' } });
    const empty = chatPromptTokensBound(chat([{ role: 'user', content: [] }]));
    expect(chatPromptTokensBound(chat([{ role: 'user', content: [audio(wav)] }])) - empty).toBe(
      3 * AUDIO_TOKENS_PER_SECOND,
    );
    // The same bytes without a header are bounded by their size: 193 s at 500 bytes a second.
    const raw = Buffer.alloc(96_044).toString('base64');
    expect(chatPromptTokensBound(chat([{ role: 'user', content: [audio(raw)] }])) - empty).toBe(
      Math.ceil(96_044 / AUDIO_MIN_BYTES_PER_SECOND) * AUDIO_TOKENS_PER_SECOND,
    );
  });

  it('holds a file part at one image, whatever its size', () => {
    const file = (bytes: number) => ({
      type: 'file',
      file: { filename: 'a.pdf', file_data: Buffer.alloc(bytes).toString('base64') },
    });
    const empty = chatPromptTokensBound(chat([{ role: 'user', content: [] }]));
    for (const bytes of [100, 1_000_000]) {
      expect(chatPromptTokensBound(chat([{ role: 'user', content: [file(bytes)] }])) - empty).toBe(
        IMAGE_PART_TOKENS,
      );
    }
  });
});

describe('canonicalPromptTokensBound', () => {
  it('is at or above the tokenizer, with each image at the per-image bound', () => {
    const request = {
      model: 'm',
      stream: false,
      system: [{ type: 'text', text: TEXTS['english'] }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: TEXTS['chinese'] },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'AAAA' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_call', id: 't', name: 'f', arguments: '{}' }] },
        {
          role: 'tool',
          content: [
            { type: 'tool_result', toolCallId: 't', content: [{ type: 'text', text: TEXTS['json'] }] },
          ],
        },
      ],
      tools: [{ name: 'f', description: 'a tool', parameters: { type: 'object' } }],
    } as unknown as CanonicalRequest;
    const bound = canonicalPromptTokensBound(request);
    expect(bound).toBeGreaterThanOrEqual(countCanonicalPromptTokens(request) + IMAGE_PART_TOKENS - 85);
    expect(bound).toBeGreaterThanOrEqual(IMAGE_PART_TOKENS);
  });
});

describe('promptInputTokensBound', () => {
  it('bounds texts by bytes and counts token ids one each', () => {
    expect(promptInputTokensBound(TEXTS['english'] as string)).toBeGreaterThanOrEqual(
      countPromptInputTokens(TEXTS['english'] as string),
    );
    expect(promptInputTokensBound([1, 2, 3])).toBe(3);
    expect(promptInputTokensBound([[1, 2], [3]])).toBe(3);
    expect(promptInputTokensBound(['ab', 'cd'])).toBe(2);
  });
});

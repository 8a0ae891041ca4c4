import type { Completion } from 'openai/resources/completions';
import { mockCompletionText } from './generated-text';
import { countTokens } from './token-count';
import { mockUpstreamPerSuite } from '../test/mock-upstream-fixture';

const upstream = mockUpstreamPerSuite();
const { client } = upstream;

async function collect(stream: AsyncIterable<Completion>): Promise<Completion[]> {
  const chunks: Completion[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('POST /v1/completions', () => {
  it('answers a text_completion with usage from the words of the prompt', async () => {
    const completion = await client('sk;tokens=6').completions.create({
      model: 'mock-gpt',
      prompt: 'Once upon a time',
    });

    expect(completion.object).toBe('text_completion');
    expect(completion.model).toBe('mock-gpt');
    expect(completion.choices).toEqual([
      { text: mockCompletionText(6), index: 0, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(completion.usage).toEqual({ prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 });
  });

  it('caps at max_tokens with finish_reason length', async () => {
    const completion = await client('sk;tokens=6').completions.create({
      model: 'mock-gpt',
      prompt: 'x',
      max_tokens: 2,
    });
    expect(completion.choices[0].text).toBe(mockCompletionText(2));
    expect(completion.choices[0].finish_reason).toBe('length');
  });

  it('answers n choices per prompt of a prompt list', async () => {
    const completion = await client('sk;tokens=2').completions.create({
      model: 'mock-gpt',
      prompt: ['a', 'b c'],
      n: 2,
    });
    expect(completion.choices.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(completion.usage).toEqual({ prompt_tokens: 3, completion_tokens: 8, total_tokens: 11 });
  });

  it('streams the same text, with a usage chunk only when asked', async () => {
    const plain = await client('sk;tokens=7').completions.create({ model: 'mock-gpt', prompt: 'a b' });
    const chunks = await collect(
      await client('sk;tokens=7;chunks=3').completions.create({
        model: 'mock-gpt',
        prompt: 'a b',
        stream: true,
        stream_options: { include_usage: true },
      }),
    );

    expect(chunks.every((chunk) => chunk.object === 'text_completion')).toBe(true);
    const text = chunks.flatMap((chunk) => chunk.choices.map((c) => c.text)).join('');
    expect(text).toBe(plain.choices[0].text);
    const finishes = chunks.flatMap((chunk) => chunk.choices.map((c) => c.finish_reason)).filter(Boolean);
    expect(finishes).toEqual(['stop']);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(plain.usage);
    expect(countTokens(text)).toBe(last.usage?.completion_tokens);

    const withoutUsage = await collect(
      await client('sk;tokens=7').completions.create({ model: 'mock-gpt', prompt: 'a b', stream: true }),
    );
    expect(withoutUsage.some((chunk) => chunk.usage)).toBe(false);
  });
});

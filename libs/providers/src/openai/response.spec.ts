import { mockCompletionText, startMockUpstream, type MockUpstream } from '@gateway/mock-upstream';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { request } from 'undici';
import { countResponseCompletion, extractResponseUsage, responseUsage } from './response';

describe('extractResponseUsage', () => {
  it('reads prompt, completion, cached and reasoning tokens', () => {
    const body = {
      choices: [],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 40,
        total_tokens: 140,
        prompt_tokens_details: { cached_tokens: 64, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 25 },
      },
    };
    expect(extractResponseUsage(body)).toEqual({
      promptTokens: 100,
      completionTokens: 40,
      cachedTokens: 64,
      reasoningTokens: 25,
    });
  });

  it('tolerates missing parts: no details, only a total, DeepSeek cache fields, junk numbers', () => {
    expect(extractResponseUsage({ usage: { prompt_tokens: 5, completion_tokens: 3 } })).toEqual({
      promptTokens: 5,
      completionTokens: 3,
      cachedTokens: 0,
      reasoningTokens: 0,
    });
    expect(extractResponseUsage({ usage: { prompt_tokens: 8, total_tokens: 8 } })).toMatchObject({
      promptTokens: 8,
      completionTokens: 0,
    });
    expect(extractResponseUsage({ usage: { prompt_tokens: 8, total_tokens: 11 } })?.completionTokens).toBe(3);
    expect(
      extractResponseUsage({ usage: { prompt_tokens: 9, completion_tokens: 1, prompt_cache_hit_tokens: 6 } }),
    ).toMatchObject({ cachedTokens: 6 });
    // A part is never more than its whole.
    expect(
      extractResponseUsage({
        usage: {
          prompt_tokens: 5,
          completion_tokens: 2,
          prompt_tokens_details: { cached_tokens: 1_000_000, cache_write_tokens: 9 },
          completion_tokens_details: { reasoning_tokens: 1_000_000 },
        },
      }),
    ).toEqual({
      promptTokens: 5,
      completionTokens: 2,
      cachedTokens: 5,
      cacheWriteTokens: 0,
      reasoningTokens: 2,
    });
  });

  it('returns null without a usage object, or with one that counts nothing usable', () => {
    const junk = [
      {},
      { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      { prompt_tokens: '9', completion_tokens: -1, prompt_tokens_details: null },
      { prompt_tokens: 1e300, completion_tokens: 0.5 },
    ];
    for (const body of [
      {},
      { usage: null },
      { usage: 3 },
      null,
      'text',
      [],
      ...junk.map((usage) => ({ usage })),
    ]) {
      expect(extractResponseUsage(body)).toBeNull();
    }
  });

  it('counts the output of an answer whose upstream reports none for it, keeping the prompt it reports', () => {
    const answer = (usage: object) => ({
      choices: [
        { index: 0, message: { role: 'assistant', content: 'hello there friend' }, finish_reason: 'stop' },
      ],
      usage,
    });
    expect(responseUsage(answer({ prompt_tokens: 12, completion_tokens: 0 }), 99)).toEqual({
      usage: { promptTokens: 12, completionTokens: 3, cachedTokens: 0, reasoningTokens: 0 },
      usageSource: 'counted',
    });
    expect(responseUsage(answer({ prompt_tokens: 0, completion_tokens: 0 }), 7)).toMatchObject({
      usage: { promptTokens: 7, completionTokens: 3 },
      usageSource: 'counted',
    });
    // An embedding reports no output and has none.
    expect(responseUsage({ data: [], usage: { prompt_tokens: 4, total_tokens: 4 } }, 9)).toMatchObject({
      usage: { promptTokens: 4, completionTokens: 0 },
      usageSource: 'upstream',
    });
  });

  it('keeps the tokens of a response whose content is null', () => {
    const body = {
      choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'content_filter' }],
      usage: { prompt_tokens: 12, completion_tokens: 30 },
    };
    expect(responseUsage(body, 99)).toEqual({
      usage: { promptTokens: 12, completionTokens: 30, cachedTokens: 0, reasoningTokens: 0 },
      usageSource: 'upstream',
    });
  });
});

describe('countResponseCompletion', () => {
  it('counts content, reasoning, tool calls and legacy text of every choice', () => {
    const body = {
      choices: [
        {
          message: {
            content: 'The answer',
            reasoning_content: 'Let me think',
            tool_calls: [{ function: { name: 'f', arguments: '{"a":1}' } }],
          },
        },
        { text: 'one two' },
        'junk',
      ],
    };
    const reasoning = countTokens('Let me think');
    expect(countResponseCompletion(body)).toEqual({
      completionTokens:
        countTokens('The answer') +
        reasoning +
        countTokens('f') +
        countTokens('{"a":1}') +
        countTokens('one two'),
      reasoningTokens: reasoning,
    });
  });
});

describe('responseUsage against the mock upstream', () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(() => mock.close());

  async function complete(apiKey: string): Promise<unknown> {
    const res = await request(`${mock.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-gpt', messages: [{ role: 'user', content: 'Say something' }] }),
    });
    return res.body.json();
  }

  it('bills the tokens of a null-content answer from its usage', async () => {
    const body = await complete('sk-mock;null=1');
    expect(body).toMatchObject({ choices: [{ message: { content: null } }] });
    expect(responseUsage(body, 99)).toEqual({
      usage: { promptTokens: 5, completionTokens: 12, cachedTokens: 0, reasoningTokens: 0 },
      usageSource: 'upstream',
    });
  });

  it('counts the answer when the upstream reports no usage', async () => {
    expect(responseUsage(await complete('sk-mock;usage=0'), 99)).toEqual({
      usage: {
        promptTokens: 99,
        completionTokens: countTokens(mockCompletionText(12)),
        cachedTokens: 0,
        reasoningTokens: 0,
      },
      usageSource: 'counted',
    });
  });
});

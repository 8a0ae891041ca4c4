import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { StreamObserverOptions } from '../provider-adapter';
import type { SseEvent } from '../sse/sse-event';
import { OpenAiStreamObserver } from './stream';

const chunk = (fields: object): SseEvent => ({
  data: JSON.stringify({ object: 'chat.completion.chunk', ...fields }),
});
const delta = (fields: object, finish_reason: string | null = null, index = 0) =>
  chunk({ choices: [{ index, delta: fields, finish_reason }] });
const usageChunk = chunk({
  choices: [],
  usage: {
    prompt_tokens: 20,
    completion_tokens: 9,
    total_tokens: 29,
    prompt_tokens_details: { cached_tokens: 4 },
    completion_tokens_details: { reasoning_tokens: 2 },
  },
});
const DONE: SseEvent = { data: '[DONE]' };

function observer(options: Partial<StreamObserverOptions> = {}) {
  let clock = 100;
  return new OpenAiStreamObserver({
    clientAskedForUsage: false,
    promptTokens: 11,
    now: () => clock++,
    ...options,
  });
}

describe('OpenAiStreamObserver', () => {
  it('takes usage from the upstream and drops the usage-only chunk the client did not ask for', () => {
    const watch = observer();
    expect(watch.observe(delta({ role: 'assistant', content: '' }))).toEqual({
      suppress: false,
      event: expect.anything(),
    });
    watch.observe(delta({ content: 'Hi' }));
    watch.observe(delta({}, 'stop'));
    expect(watch.observe(usageChunk)).toEqual({ suppress: true });
    expect(watch.observe(DONE)).toEqual({ suppress: false, event: DONE });
    expect(watch.outcome()).toEqual({
      usage: { promptTokens: 20, completionTokens: 9, cachedTokens: 4, reasoningTokens: 2 },
      usageSource: 'upstream',
      finishReason: 'stop',
      sawDone: true,
      firstContentAt: 100,
      upstreamError: null,
    });
  });

  it('forwards the usage chunk untouched to a client that asked for it', () => {
    expect(observer({ clientAskedForUsage: true }).observe(usageChunk)).toEqual({
      suppress: false,
      event: usageChunk,
    });
  });

  it('never drops a chunk that has choices, even with usage on it', () => {
    const both = chunk({
      choices: [{ index: 0, delta: { content: 'x' } }],
      usage: { prompt_tokens: 1, completion_tokens: 1 },
    });
    expect(observer().observe(both)).toEqual({ suppress: false, event: both });
  });

  it('ignores the `usage: null` that every chunk carries once usage is requested', () => {
    const watch = observer();
    watch.observe(chunk({ choices: [{ index: 0, delta: { content: 'alpha bravo' } }], usage: null }));
    expect(watch.outcome()).toMatchObject({ usageSource: 'counted', usage: { completionTokens: 2 } });
  });

  it('counts content, refusal, reasoning and tool calls when no usage comes, and says so', () => {
    const watch = observer();
    watch.observe(delta({ reasoning_content: 'Let me think' }));
    watch.observe(delta({ content: 'The answer' }));
    watch.observe(delta({ content: ' is four.' }));
    watch.observe(
      delta({ tool_calls: [{ index: 0, id: 'c', function: { name: 'get_weather', arguments: '' } }] }),
    );
    watch.observe(delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }));
    watch.observe(delta({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }));
    watch.observe(delta({}, 'tool_calls'));
    const plain = (text: string) => countTokens(text);
    const reasoning = plain('Let me think');
    expect(watch.outcome()).toEqual({
      usage: {
        promptTokens: 11,
        completionTokens:
          reasoning + plain('The answer is four.') + plain('get_weather') + plain('{"city":"Paris"}'),
        cachedTokens: 0,
        reasoningTokens: reasoning,
      },
      usageSource: 'counted',
      finishReason: 'tool_calls',
      sawDone: false,
      firstContentAt: 100,
      upstreamError: null,
    });
  });

  describe('tool-call arguments an upstream sends cumulatively (the text so far in every chunk)', () => {
    const args = (piece: string, index = 0) =>
      delta({ tool_calls: [{ index, function: { arguments: piece } }] });
    /** What a client appends of each call's arguments, from what the observer sends on. */
    function sent(observed: ReturnType<OpenAiStreamObserver['observe']>[]): Record<number, string> {
      const calls: Record<number, string> = {};
      for (const out of observed) {
        if (out.suppress) continue;
        const text = 'text' in out ? out.text : `data: ${out.event.data}\n\n`;
        for (const line of text.split('\n')) {
          if (!line.startsWith('data: {')) continue;
          const body = JSON.parse(line.slice(6)) as {
            choices: { delta?: { tool_calls?: { index: number; function?: { arguments?: string } }[] } }[];
          };
          for (const call of body.choices[0]?.delta?.tool_calls ?? [])
            calls[call.index] = (calls[call.index] ?? '') + (call.function?.arguments ?? '');
        }
      }
      return calls;
    }

    it('passes on only the new part, so the client appends whole arguments, and counts them once', () => {
      const watch = observer();
      const out = [
        watch.observe(delta({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '' } }] })),
        watch.observe(args('{"city"')),
        watch.observe(args('{"city":"Pa')),
        watch.observe(args('{"city":"Paris"}')),
        watch.observe(
          delta({ tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '{"n"' } }] }),
        ),
        watch.observe(args('{"n":1}', 1)),
        watch.observe(delta({}, 'tool_calls')),
        watch.observe(DONE),
      ];
      expect(sent(out)).toEqual({ 0: '{"city":"Paris"}', 1: '{"n":1}' });
      expect(watch.outcome().usage?.completionTokens).toBe(
        countTokens('f') + countTokens('g') + countTokens('{"city":"Paris"}') + countTokens('{"n":1}'),
      );
    });

    it('sends a piece held to tell the two apart before the chunk that finishes its choice', () => {
      const watch = observer();
      // `{"a":` then `{"a":1}}` may be the text so far or the next piece: it is held until the stream
      // tells; here it ends first, and the reading that makes whole JSON wins (the incremental one).
      const out = [watch.observe(args('{"a":')), watch.observe(args('{"a":1}}'))];
      const finish = watch.observe(delta({}, 'tool_calls'));
      const text = 'text' in finish ? finish.text : '';
      expect(text.indexOf('"arguments"')).toBeGreaterThan(-1);
      expect(text.indexOf('"arguments"')).toBeLessThan(text.indexOf('"finish_reason":"tool_calls"'));
      expect(sent([...out, finish])).toEqual({ 0: '{"a":{"a":1}}' });
    });

    it('sends a piece held in the chunk that finishes its choice ahead of that chunk', () => {
      const watch = observer();
      const last = chunk({
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":1}}' } }] },
            finish_reason: 'tool_calls',
          },
        ],
      });
      const out = [watch.observe(args('{"a":')), watch.observe(last)];
      const text = 'text' in out[1]! ? out[1].text : '';
      expect(text.lastIndexOf('{\\"a\\":1}}')).toBeLessThan(text.indexOf('"finish_reason":"tool_calls"'));
      expect(sent(out)).toEqual({ 0: '{"a":{"a":1}}' });
      expect(watch.observe(DONE)).toEqual({ suppress: false, event: DONE });
    });

    it('sends what is held at [DONE] when no chunk finished the choice', () => {
      const watch = observer();
      const out = [watch.observe(args('{"x"')), watch.observe(args('{"x":2}')), watch.observe(DONE)];
      expect(sent(out)).toEqual({ 0: '{"x":2}' });
      const done = out[2]!;
      expect('text' in done && done.text.endsWith('data: [DONE]\n\n')).toBe(true);
    });

    it('leaves incremental arguments and their chunks untouched', () => {
      const watch = observer();
      const pieces = [args('{"city":'), args('"Paris"}'), delta({}, 'tool_calls')];
      for (const event of pieces) expect(watch.observe(event)).toEqual({ suppress: false, event });
    });
  });

  it('keeps the choices of n > 1 apart while counting', () => {
    const watch = observer();
    watch.observe(delta({ content: 'alpha' }, null, 0));
    watch.observe(delta({ content: 'bravo' }, null, 1));
    watch.observe(delta({ content: 'charlie' }, null, 0));
    // joined, "alphabravo…" would tokenize differently; per choice it is "alphacharlie" and "bravo"
    expect(watch.outcome().usage?.completionTokens).toBe(countTokens('alphacharlie') + countTokens('bravo'));
  });

  it('counts legacy completions text', () => {
    const watch = observer();
    watch.observe({
      data: JSON.stringify({ object: 'text_completion', choices: [{ index: 0, text: 'one two' }] }),
    });
    expect(watch.outcome().usage?.completionTokens).toBe(2);
  });

  it('does not take the empty opening delta as first content', () => {
    let time = 0;
    const watch = observer({ now: () => time });
    time = 5;
    watch.observe(delta({ role: 'assistant', content: '', refusal: null }));
    expect(watch.outcome().firstContentAt).toBeNull();
    time = 7;
    watch.observe(delta({ content: 'x' }));
    time = 9;
    watch.observe(delta({ content: 'y' }));
    expect(watch.outcome().firstContentAt).toBe(7);
  });

  it('counts the output of a stream whose upstream reports none for it, keeping the prompt it reports', () => {
    const watch = observer();
    watch.observe(delta({ content: 'hello there friend' }, 'stop'));
    watch.observe(
      chunk({ choices: [], usage: { prompt_tokens: 20, completion_tokens: 0, total_tokens: 20 } }),
    );
    expect(watch.outcome()).toMatchObject({
      usageSource: 'counted',
      usage: { promptTokens: 20, completionTokens: 3 },
    });
    const zeros = observer();
    zeros.observe(delta({ content: 'hello there friend' }, 'stop'));
    zeros.observe(chunk({ choices: [], usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } }));
    expect(zeros.outcome()).toMatchObject({
      usageSource: 'counted',
      usage: { promptTokens: 11, completionTokens: 3 },
    });
  });

  it('ends the stream of a client that asked for usage with the billed count when the upstream sent none', () => {
    const watch = observer({ clientAskedForUsage: true });
    watch.observe(
      chunk({ id: 'c-1', created: 7, model: 'm', choices: [{ index: 0, delta: { content: 'a b c' } }] }),
    );
    const done = watch.observe(DONE);
    expect(done).toEqual({ suppress: false, text: expect.stringMatching(/\ndata: \[DONE\]\n\n$/) });
    const added = JSON.parse((done as { text: string }).text.split('\n\n')[0]!.replace(/^data: /, ''));
    expect(added).toEqual({
      id: 'c-1',
      object: 'chat.completion.chunk',
      created: 7,
      model: 'm',
      choices: [],
      usage: {
        prompt_tokens: 11,
        completion_tokens: 3,
        total_tokens: 14,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(watch.outcome()).toMatchObject({
      usageSource: 'counted',
      usage: { promptTokens: 11, completionTokens: 3 },
    });
  });

  it('tells a client that asked for usage the billed count in place of an upstream count of no output', () => {
    const watch = observer({ clientAskedForUsage: true });
    watch.observe(delta({ content: 'hello there friend' }, 'stop'));
    const replaced = watch.observe(
      chunk({ id: 'c-2', choices: [], usage: { prompt_tokens: 20, completion_tokens: 0, total_tokens: 20 } }),
    );
    const text = (replaced as { text: string }).text;
    expect(JSON.parse(text.replace(/^data: /, '')).usage).toMatchObject({
      prompt_tokens: 20,
      completion_tokens: 3,
      total_tokens: 23,
    });
    expect(text).not.toContain('[DONE]');
    expect(watch.observe(DONE)).toEqual({ suppress: false, event: DONE });
  });

  it('adds no usage chunk where the upstream put its usage on the content chunks', () => {
    const watch = observer({ clientAskedForUsage: true });
    watch.observe(
      chunk({
        choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1 },
      }),
    );
    expect(watch.observe(DONE)).toEqual({ suppress: false, event: DONE });
    // And none to a client that did not ask.
    const quiet = observer();
    quiet.observe(delta({ content: 'a b' }, 'stop'));
    expect(quiet.observe(DONE)).toEqual({ suppress: false, event: DONE });
  });

  it('reports a stream without chunks as having no usage to bill', () => {
    expect(observer().outcome()).toMatchObject({ usage: null, usageSource: 'counted', sawDone: false });
  });

  it('drops data that is not a JSON object, which would break an SDK, and passes what follows [DONE]', () => {
    const watch = observer();
    for (const junk of [{ data: 'ping' }, { data: '{not json' }, { data: '[1,2]' }]) {
      expect(watch.observe(junk)).toEqual({ suppress: true });
    }
    watch.observe(DONE);
    expect(watch.observe(usageChunk)).toEqual({ suppress: false, event: usageChunk });
    expect(watch.outcome()).toMatchObject({ usage: null, sawDone: true });
  });

  it('masks secrets in an in-stream error and reports its message', () => {
    const watch = observer({ secrets: ['custom-channel-key-9999'] });
    const error = {
      data: JSON.stringify({
        error: {
          message: 'Key sk-proj-abcdefghijklmnop1234 / custom-channel-key-9999 revoked',
          type: 'auth',
        },
      }),
    };
    const observed = watch.observe(error);
    expect(observed).toEqual({
      suppress: false,
      event: { data: JSON.stringify({ error: { message: 'Key sk-…1234 / …9999 revoked', type: 'auth' } }) },
    });
    expect(watch.outcome().upstreamError).toBe('Key sk-…1234 / …9999 revoked');
  });
});

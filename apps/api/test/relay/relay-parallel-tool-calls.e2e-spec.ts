// Parallel tool calls from an OpenAI-format upstream whose arguments interleave (index 0, 1, 0, 1, …,
// as OpenAI streams them) reaching clients of formats that stream one call at a time. A
// /v1/messages client must see one content block at a time (start, its deltas, stop), as clients
// that finalise a block at its stop need; so must a /v1/responses client see one output item at a
// time, done with its whole arguments; a Gemini client must get each functionCall whole.
import type * as GenAI from '@google/genai' with { 'resolution-mode': 'import' };
import { mockCompletionText } from '@gateway/mock-upstream';
import { anthropicStreamGrammarViolations } from '@gateway/testing';
import { genai, startIngressRelay, type IngressRelay } from './ingress-fixture';

const TOKENS = 6;
const TOOLS = [
  { name: 'get_weather', description: 'the weather' },
  { name: 'get_time', description: 'the time' },
];
const PARAMETERS = { type: 'object' as const, properties: { mock: { type: 'string' } } };

/** The mock's call k starts its words k later (toolArgumentsChoice), so the two calls differ. */
const expectedInput = (call: number) => ({ mock: mockCompletionText(TOKENS, call) });

describe('parallel tool calls with interleaved arguments, OpenAI upstream → other formats', () => {
  let r: IngressRelay;

  beforeAll(async () => {
    r = await startIngressRelay('relay_parallel_tool_calls');
    // Three argument pieces per call, the two calls' pieces alternating.
    await r.channel(
      'openai',
      'ch-parallel',
      'm-parallel',
      `sk-mock;tool=1;toolCalls=2;tokens=${TOKENS};chunks=3`,
    );
    await r.price('m-parallel');
  });

  afterAll(async () => {
    await r?.close();
  });

  it('reaches an @anthropic-ai/sdk client one block at a time, each input whole', async () => {
    const stream = await r.anthropic.messages.create({
      model: 'm-parallel',
      max_tokens: 200,
      stream: true,
      tools: TOOLS.map((tool) => ({ ...tool, input_schema: PARAMETERS })),
      messages: [{ role: 'user', content: 'weather and time, please' }],
    });
    const events: Array<{ type: string; index?: unknown }> = [];
    const blocks = new Map<number, { name: string; json: string }>();
    for await (const event of stream) {
      events.push({ type: event.type, index: 'index' in event ? event.index : undefined });
      if (event.type === 'content_block_start' && event.content_block.type === 'tool_use')
        blocks.set(event.index, { name: event.content_block.name, json: '' });
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
        const block = blocks.get(event.index);
        if (block !== undefined) block.json += event.delta.partial_json;
      }
    }

    expect(anthropicStreamGrammarViolations(events)).toEqual([]);
    const calls = [...blocks.values()];
    expect(calls.map((c) => c.name)).toEqual(['get_weather', 'get_time']);
    expect(calls.map((c) => JSON.parse(c.json) as unknown)).toEqual([expectedInput(0), expectedInput(1)]);
  });

  it("reaches the SDK's MessageStream with both inputs in its final message", async () => {
    const message = await r.anthropic.messages
      .stream({
        model: 'm-parallel',
        max_tokens: 200,
        tools: TOOLS.map((tool) => ({ ...tool, input_schema: PARAMETERS })),
        messages: [{ role: 'user', content: 'weather and time, please' }],
      })
      .finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: expectedInput(0) }),
      expect.objectContaining({ type: 'tool_use', name: 'get_time', input: expectedInput(1) }),
    ]);
  });

  it('reaches an openai /v1/responses client one item at a time, each output_item.done with its whole arguments', async () => {
    const stream = await r.openai.responses.create({
      model: 'm-parallel',
      input: 'weather and time, please',
      stream: true,
      tools: TOOLS.map((tool) => ({
        type: 'function' as const,
        ...tool,
        parameters: PARAMETERS,
        strict: false,
      })),
    });
    let open: number | null = null;
    const strays: string[] = [];
    const done: Array<{ name: string; arguments: string }> = [];
    for await (const event of stream) {
      if (event.type === 'response.output_item.added') open = event.output_index;
      else if (event.type === 'response.output_item.done') {
        open = null;
        if (event.item.type === 'function_call')
          done.push({ name: event.item.name, arguments: event.item.arguments });
      } else if ('output_index' in event && event.output_index !== open)
        strays.push(`${event.type} of ${event.output_index}`);
    }
    expect(strays).toEqual([]);
    expect(done.map((call) => ({ name: call.name, args: JSON.parse(call.arguments) as unknown }))).toEqual([
      { name: 'get_weather', args: expectedInput(0) },
      { name: 'get_time', args: expectedInput(1) },
    ]);
  });

  it('reaches a @google/genai client as two whole functionCalls', async () => {
    const stream = await r.google.models.generateContentStream({
      model: 'm-parallel',
      contents: 'weather and time, please',
      config: {
        tools: [
          {
            functionDeclarations: TOOLS.map((tool) => ({
              ...tool,
              parameters: { type: genai.Type.OBJECT, properties: { mock: { type: genai.Type.STRING } } },
            })),
          },
        ],
      },
    });
    const calls: GenAI.FunctionCall[] = [];
    let finish: string | undefined;
    for await (const chunk of stream) {
      calls.push(...(chunk.functionCalls ?? []));
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    expect(finish).toBe('STOP');
    expect(calls.map((c) => ({ name: c.name, args: c.args }))).toEqual([
      { name: 'get_weather', args: expectedInput(0) },
      { name: 'get_time', args: expectedInput(1) },
    ]);
  });
});

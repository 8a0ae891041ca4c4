// Tool-call streams that OpenAI-compatible upstreams and their models send besides OpenAI's own,
// reaching clients that build a call from its pieces (the official SDKs, OpenAI's chat passed
// through included): arguments sent cumulatively (the text so far in every chunk), a call whose
// arguments are not an object (a model's slip) ahead of a good one, and calls cut by the length limit.
import type * as GenAI from '@google/genai' with { 'resolution-mode': 'import' };
import { mockCompletionText } from '@gateway/mock-upstream';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { genai, startIngressRelay, type IngressRelay } from './ingress-fixture';

const TOKENS = 6;
const TOOLS = [
  { name: 'get_weather', description: 'the weather' },
  { name: 'get_time', description: 'the time' },
];
const PARAMETERS = { type: 'object' as const, properties: { mock: { type: 'string' } } };
const PROMPT = 'weather and time, please';

/** The mock's call k starts its words k later, so the two calls differ. */
const expectedInput = (call: number) => ({ mock: mockCompletionText(TOKENS, call) });

describe('tool-call streams of OpenAI-compatible upstreams → other formats', () => {
  let r: IngressRelay;

  beforeAll(async () => {
    r = await startIngressRelay('relay_tool_call_streams');
    const base = `sk-mock;tool=1;toolCalls=2;tokens=${TOKENS};chunks=3`;
    await r.channel('openai', 'ch-cumulative', 'm-cumulative', `${base};cumulativeArgs=1`);
    // The same, an event a network read: the arguments are rewritten (or translated) in the reads
    // the relay takes one at a time after the stream is committed, not only in the first one.
    await r.channel('openai', 'ch-paced', 'm-cumulative-paced', `${base};cumulativeArgs=1;chunkDelay=10`);
    await r.channel('openai', 'ch-slip', 'm-slip', `${base};slipArgs=1`);
    await r.channel('openai', 'ch-cut', 'm-cut', `${base};toolCut=1`);
    for (const model of ['m-cumulative', 'm-cumulative-paced', 'm-slip', 'm-cut']) await r.price(model);
  });

  afterAll(async () => {
    await r?.close();
  });

  async function responsesEvents(model: string): Promise<ResponseStreamEvent[]> {
    const stream = await r.openai.responses.create({
      model,
      input: PROMPT,
      stream: true,
      tools: TOOLS.map((tool) => ({
        type: 'function' as const,
        ...tool,
        parameters: PARAMETERS,
        strict: false,
      })),
    });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    return events;
  }

  async function geminiChunks(
    model: string,
    maxOutputTokens?: number,
  ): Promise<GenAI.GenerateContentResponse[]> {
    const stream = await r.google.models.generateContentStream({
      model,
      contents: PROMPT,
      config: {
        ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
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
    const chunks: GenAI.GenerateContentResponse[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  }

  describe.each([
    ['at once', 'm-cumulative'],
    ['an event a read', 'm-cumulative-paced'],
  ])('arguments sent cumulatively, %s', (_pace, model) => {
    it("reach an openai chat client whole, each once (the client's own format, passed through)", async () => {
      const stream = await r.openai.chat.completions.create({
        model,
        stream: true,
        messages: [{ role: 'user', content: PROMPT }],
        tools: TOOLS.map((tool) => ({
          type: 'function' as const,
          function: { ...tool, parameters: PARAMETERS },
        })),
      });
      const calls: Record<number, { name: string; arguments: string }> = {};
      let finish: string | null = null;
      for await (const chunk of stream) {
        for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
          const slot = (calls[call.index] ??= { name: '', arguments: '' });
          slot.name += call.function?.name ?? '';
          slot.arguments += call.function?.arguments ?? '';
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(finish).toBe('tool_calls');
      expect(Object.values(calls).map((call) => [call.name, JSON.parse(call.arguments)])).toEqual([
        ['get_weather', expectedInput(0)],
        ['get_time', expectedInput(1)],
      ]);
    });

    it("reach @anthropic-ai/sdk's MessageStream whole, each once", async () => {
      const message = await r.anthropic.messages
        .stream({
          model,
          max_tokens: 200,
          tools: TOOLS.map((tool) => ({ ...tool, input_schema: PARAMETERS })),
          messages: [{ role: 'user', content: PROMPT }],
        })
        .finalMessage();
      expect(message.stop_reason).toBe('tool_use');
      expect(message.content).toEqual([
        expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: expectedInput(0) }),
        expect.objectContaining({ type: 'tool_use', name: 'get_time', input: expectedInput(1) }),
      ]);
    });

    it('reach an openai /v1/responses client whole, deltas and done alike', async () => {
      const events = await responsesEvents(model);
      const deltas = new Map<number, string>();
      const done: Array<{ name: string; arguments: string }> = [];
      for (const event of events) {
        if (event.type === 'response.function_call_arguments.delta')
          deltas.set(event.output_index, (deltas.get(event.output_index) ?? '') + event.delta);
        if (event.type === 'response.output_item.done' && event.item.type === 'function_call')
          done.push({ name: event.item.name, arguments: event.item.arguments });
      }
      expect(done.map((call) => [call.name, JSON.parse(call.arguments) as unknown])).toEqual([
        ['get_weather', expectedInput(0)],
        ['get_time', expectedInput(1)],
      ]);
      expect([...deltas.values()]).toEqual(done.map((call) => call.arguments));
    });

    it('reach a @google/genai client as two whole functionCalls', async () => {
      const chunks = await geminiChunks(model);
      expect(chunks.flatMap((chunk) => chunk.functionCalls ?? []).map((c) => [c.name, c.args])).toEqual([
        ['get_weather', expectedInput(0)],
        ['get_time', expectedInput(1)],
      ]);
      expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
    });
  });

  describe('a call whose arguments are not an object, ahead of a good one', () => {
    it('reaches a /v1/responses client as {}, the call behind it streamed live, not held to the end', async () => {
      const events = await responsesEvents('m-slip');
      const done = events.flatMap((event) =>
        event.type === 'response.output_item.done' && event.item.type === 'function_call'
          ? [[event.item.name, event.item.arguments]]
          : [],
      );
      expect(done).toEqual([
        ['get_weather', '{}'],
        ['get_time', JSON.stringify(expectedInput(1))],
      ]);
      // get_time's three pieces go out as they come; held, they went out as one at the end.
      const timeDeltas = events.filter(
        (event) => event.type === 'response.function_call_arguments.delta' && event.output_index === 1,
      );
      expect(timeDeltas).toHaveLength(3);
    });

    it('reaches a @google/genai client as MALFORMED_FUNCTION_CALL, the good call before the last chunk', async () => {
      const chunks = await geminiChunks('m-slip');
      const withCall = chunks.filter((chunk) => (chunk.functionCalls ?? []).length > 0);
      expect(withCall.flatMap((chunk) => chunk.functionCalls ?? []).map((c) => [c.name, c.args])).toEqual([
        ['get_time', expectedInput(1)],
      ]);
      // It went out once whole, not with the finish at the end of the stream.
      expect(withCall[0].candidates?.[0]?.finishReason).toBeUndefined();
      expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('MALFORMED_FUNCTION_CALL');
    });
  });

  describe('calls cut by the length limit', () => {
    it("end @anthropic-ai/sdk's MessageStream with max_tokens, without throwing", async () => {
      const message = await r.anthropic.messages
        .stream({
          model: 'm-cut',
          max_tokens: 3,
          tools: TOOLS.map((tool) => ({ ...tool, input_schema: PARAMETERS })),
          messages: [{ role: 'user', content: PROMPT }],
        })
        .finalMessage();
      expect(message.stop_reason).toBe('max_tokens');
    });

    it('reach an openai /v1/responses client as incomplete items of an incomplete response', async () => {
      const response = await r.openai.responses
        .stream({
          model: 'm-cut',
          input: PROMPT,
          max_output_tokens: 3,
          tools: TOOLS.map((tool) => ({
            type: 'function' as const,
            ...tool,
            parameters: PARAMETERS,
            strict: false,
          })),
        })
        .finalResponse();
      expect(response.status).toBe('incomplete');
      expect(
        response.output.map((item) => (item.type === 'function_call' ? item.status : item.type)),
      ).toEqual(['incomplete', 'incomplete']);
    });

    it('reach a @google/genai client as MAX_TOKENS with no half call', async () => {
      const chunks = await geminiChunks('m-cut', 3);
      expect(chunks.flatMap((chunk) => chunk.functionCalls ?? [])).toEqual([]);
      expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
      expect(r.upstreamCalls().at(-1)?.body).toMatchObject({ max_tokens: 3 });
    });
  });
});

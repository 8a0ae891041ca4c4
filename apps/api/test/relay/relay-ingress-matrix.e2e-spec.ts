// Every ingress format × every upstream format, through the official SDKs against the mock upstream
// on one shared app: a plain answer, a text stream, a streamed tool call whose result goes back up,
// and a stream the upstream cut, each with its usage and cost checked against what the mock reported.
// Each ingress is a driver (its SDK calls and how it says stop, length and failure); each upstream a
// channel setup (its key, base URL and the path it is called on).
import Anthropic from '@anthropic-ai/sdk';
import type * as GenAI from '@google/genai' with { 'resolution-mode': 'import' };
import type { RecordedRequest } from '@gateway/mock-upstream';
import OpenAI from 'openai';
import {
  expectBilledAsReported,
  failure,
  genai,
  KEY_HEADER,
  startIngressRelay,
  upstreamMaxOutput,
  type IngressRelay,
  type UpstreamType,
} from './ingress-fixture';
import { usageRecord } from './relay-fixture';

const DROPPED = 'the upstream closed the stream before it finished';
const QUESTION = 'what is the weather';
const TOOL = {
  name: 'get_weather',
  description: 'the weather',
  parameters: { type: 'object' as const, properties: { mock: { type: 'string' } } },
};

/** What an ingress answered, in neutral terms. */
interface Answer {
  text: string;
  finish: string | undefined;
  /** The output tokens the ingress's own usage reported to the client. */
  outputTokens: number | undefined;
  requestId: string;
  routedVia: string | null | undefined;
}

interface ToolCall {
  /** The call id the client saw (Gemini's calls may have none). */
  id: string | undefined;
  name: string;
  args: unknown;
  finish: string | undefined;
}

interface Dropped {
  error: unknown;
  /** The ingress's success terminator reached the client. */
  finished: boolean;
  requestId: string;
}

interface IngressDriver {
  name: string;
  /** The ingress's own words for a natural stop, the output limit and a tool call. */
  finish: { stop: string; length: string; tool: string | undefined };
  /** The upstream type that speaks this ingress's format (the body is passed through). */
  sameFormat: UpstreamType | undefined;
  /** Non-stream, system 'be brief', user 'hello there', output limit `max`. */
  answer(r: IngressRelay, model: string, max: number): Promise<Answer>;
  /** Stream, user 'hello there', output limit `max`. */
  stream(r: IngressRelay, model: string, max: number): Promise<Answer>;
  /** Streams QUESTION with TOOL. */
  toolCall(r: IngressRelay, model: string): Promise<ToolCall>;
  /** Non-stream: QUESTION, the call, and the result 'sunny'. */
  toolResult(r: IngressRelay, model: string, call: ToolCall): Promise<string>;
  dropped(r: IngressRelay, model: string): Promise<Dropped>;
  /** The upstream body when it is passed through. */
  expectPassedThrough(body: Record<string, unknown>, model: string): void;
}

const chat: IngressDriver = {
  name: 'chat completions',
  finish: { stop: 'stop', length: 'length', tool: 'tool_calls' },
  sameFormat: 'openai',
  answer: async (r, model, max) => {
    const { data, response } = await r.openai.chat.completions
      .create({
        model,
        max_tokens: max,
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'hello there' },
        ],
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    return {
      text: data.choices[0]?.message.content ?? '',
      finish: data.choices[0]?.finish_reason,
      outputTokens: data.usage?.completion_tokens,
      requestId: response.headers.get('x-request-id') as string,
      routedVia: response.headers.get('x-routed-via'),
    };
  },
  stream: async (r, model, max) => {
    const { data: stream, response } = await r.openai.chat.completions
      .create({
        model,
        max_tokens: max,
        messages: [{ role: 'user', content: 'hello there' }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let text = '';
    let finish: string | undefined;
    let outputTokens: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      outputTokens = chunk.usage?.completion_tokens ?? outputTokens;
    }
    return {
      text,
      finish,
      outputTokens,
      requestId: response.headers.get('x-request-id') as string,
      routedVia: response.headers.get('x-routed-via'),
    };
  },
  toolCall: async (r, model) => {
    const final = await r.openai.chat.completions
      .stream({
        model,
        messages: [{ role: 'user', content: QUESTION }],
        tools: [{ type: 'function', function: TOOL }],
      })
      .finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error(`no function call: ${JSON.stringify(final)}`);
    return {
      id: call.id,
      name: call.function.name,
      args: JSON.parse(call.function.arguments),
      finish: final.choices[0]?.finish_reason,
    };
  },
  toolResult: async (r, model, call) => {
    const answer = await r.openai.chat.completions.create({
      model,
      tools: [{ type: 'function', function: TOOL }],
      messages: [
        { role: 'user', content: QUESTION },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: call.id as string,
              type: 'function',
              function: { name: call.name, arguments: JSON.stringify(call.args) },
            },
          ],
        },
        { role: 'tool', tool_call_id: call.id as string, content: 'sunny' },
      ],
    });
    return answer.choices[0]?.message.content ?? '';
  },
  dropped: async (r, model) => {
    const { data: stream, response } = await r.openai.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'hello' }], stream: true })
      .withResponse();
    let finished = false;
    const error = await failure(
      (async () => {
        for await (const chunk of stream) if (chunk.choices[0]?.finish_reason) finished = true;
      })(),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return { error, finished, requestId: response.headers.get('x-request-id') as string };
  },
  expectPassedThrough: (body, model) => {
    expect(body).toEqual({
      model,
      max_tokens: 40,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hello there' },
      ],
    });
  },
};

const messages: IngressDriver = {
  name: 'messages',
  finish: { stop: 'end_turn', length: 'max_tokens', tool: 'tool_use' },
  sameFormat: 'anthropic',
  answer: async (r, model, max) => {
    const { data, response } = await r.anthropic.messages
      .create({
        model,
        max_tokens: max,
        system: 'be brief',
        messages: [{ role: 'user', content: 'hello there' }],
      })
      .withResponse();
    expect(data.type).toBe('message');
    const first = data.content[0];
    return {
      text: first?.type === 'text' ? first.text : '',
      finish: data.stop_reason ?? undefined,
      outputTokens: data.usage.output_tokens,
      requestId: response.headers.get('x-request-id') as string,
      routedVia: response.headers.get('x-routed-via'),
    };
  },
  stream: async (r, model, max) => {
    const stream = r.anthropic.messages.stream({
      model,
      max_tokens: max,
      messages: [{ role: 'user', content: 'hello there' }],
    });
    const events: string[] = [];
    stream.on('streamEvent', (event) => events.push(event.type));
    const final = await stream.finalMessage();
    const { response } = await stream.withResponse();
    expect(events[0]).toBe('message_start');
    expect(events.at(-1)).toBe('message_stop');
    return {
      text: await stream.finalText(),
      finish: final.stop_reason ?? undefined,
      outputTokens: final.usage.output_tokens,
      requestId: response.headers.get('x-request-id') as string,
      routedVia: response.headers.get('x-routed-via'),
    };
  },
  toolCall: async (r, model) => {
    const final = await r.anthropic.messages
      .stream({
        model,
        max_tokens: 100,
        tools: [{ name: TOOL.name, description: TOOL.description, input_schema: TOOL.parameters }],
        messages: [{ role: 'user', content: QUESTION }],
      })
      .finalMessage();
    const call = final.content.find((block) => block.type === 'tool_use');
    if (call?.type !== 'tool_use') throw new Error(`no tool_use: ${JSON.stringify(final)}`);
    return { id: call.id, name: call.name, args: call.input, finish: final.stop_reason ?? undefined };
  },
  toolResult: async (r, model, call) => {
    const answer = await r.anthropic.messages.create({
      model,
      max_tokens: 100,
      tools: [{ name: TOOL.name, description: TOOL.description, input_schema: TOOL.parameters }],
      messages: [
        { role: 'user', content: QUESTION },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: call.id as string, name: call.name, input: call.args }],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: call.id as string, content: 'sunny' }],
        },
      ],
    });
    const first = answer.content[0];
    return first?.type === 'text' ? first.text : '';
  },
  dropped: async (r, model) => {
    const { data: stream, response } = await r.anthropic.messages
      .create({ model, max_tokens: 50, messages: [{ role: 'user', content: 'hello' }], stream: true })
      .withResponse();
    let finished = false;
    const error = await failure(
      (async () => {
        for await (const event of stream) if (event.type === 'message_stop') finished = true;
      })(),
    );
    expect(error).toBeInstanceOf(Anthropic.APIError);
    return { error, finished, requestId: response.headers.get('x-request-id') as string };
  },
  expectPassedThrough: (body, model) => {
    expect(body).toEqual({
      model,
      max_tokens: 40,
      system: 'be brief',
      messages: [{ role: 'user', content: 'hello there' }],
    });
  },
};

const RESPONSES_TOOL: OpenAI.Responses.FunctionTool = { type: 'function', ...TOOL, strict: false };

const responses: IngressDriver = {
  name: 'responses',
  finish: { stop: 'completed', length: 'incomplete', tool: 'completed' },
  sameFormat: undefined,
  answer: async (r, model, max) => {
    const { data, response } = await r.openai.responses
      .create({ model, instructions: 'be brief', input: 'hello there', max_output_tokens: max })
      .withResponse();
    expect(data.object).toBe('response');
    return {
      text: data.output_text,
      finish: data.status,
      outputTokens: data.usage?.output_tokens,
      requestId: response.headers.get('x-request-id') as string,
      routedVia: response.headers.get('x-routed-via'),
    };
  },
  stream: async (r, model, max) => {
    const { data: stream, response } = await r.openai.responses
      .create({ model, input: 'hello there', max_output_tokens: max, stream: true })
      .withResponse();
    const types: string[] = [];
    let text = '';
    let last: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.incomplete' || event.type === 'response.completed') last = event.response;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe(`response.${last?.status}`);
    return {
      text,
      finish: last?.status,
      outputTokens: last?.usage?.output_tokens,
      requestId: response.headers.get('x-request-id') as string,
      routedVia: response.headers.get('x-routed-via'),
    };
  },
  toolCall: async (r, model) => {
    const final = await r.openai.responses
      .stream({ model, input: QUESTION, tools: [RESPONSES_TOOL] })
      .finalResponse();
    const call = final.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error(`no function_call: ${JSON.stringify(final)}`);
    return { id: call.call_id, name: call.name, args: JSON.parse(call.arguments), finish: final.status };
  },
  toolResult: async (r, model, call) => {
    const answer = await r.openai.responses.create({
      model,
      tools: [RESPONSES_TOOL],
      input: [
        { role: 'user', content: QUESTION },
        {
          type: 'function_call',
          call_id: call.id as string,
          name: call.name,
          arguments: JSON.stringify(call.args),
        },
        { type: 'function_call_output', call_id: call.id as string, output: 'sunny' },
      ],
    });
    return answer.output_text;
  },
  dropped: async (r, model) => {
    const { data: stream, response } = await r.openai.responses
      .create({ model, input: 'hello', stream: true })
      .withResponse();
    const types: string[] = [];
    let failed: OpenAI.Responses.ResponseFailedEvent | undefined;
    // Like OpenAI's own, the stream does not throw: an `error` event, then response.failed.
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.failed') failed = event;
    }
    expect(types.slice(-2)).toEqual(['error', 'response.failed']);
    return {
      error: new Error(failed?.response.error?.message),
      finished: types.includes('response.completed') || types.includes('response.incomplete'),
      requestId: response.headers.get('x-request-id') as string,
    };
  },
  expectPassedThrough: () => undefined,
};

const GEMINI_TOOL = {
  functionDeclarations: [
    {
      name: TOOL.name,
      description: TOOL.description,
      parameters: { type: genai.Type.OBJECT, properties: { mock: { type: genai.Type.STRING } } },
    },
  ],
};

const gemini: IngressDriver = {
  name: 'gemini',
  finish: { stop: 'STOP', length: 'MAX_TOKENS', tool: undefined },
  sameFormat: 'gemini',
  answer: async (r, model, max) => {
    const answer = await r.google.models.generateContent({
      model,
      contents: [{ role: 'user', parts: [{ text: 'hello there' }] }],
      config: { systemInstruction: 'be brief', maxOutputTokens: max },
    });
    const headers = answer.sdkHttpResponse?.headers ?? {};
    return {
      text: answer.text ?? '',
      finish: answer.candidates?.[0]?.finishReason,
      outputTokens: answer.usageMetadata?.candidatesTokenCount,
      requestId: headers['x-request-id'] as string,
      routedVia: headers['x-routed-via'],
    };
  },
  stream: async (r, model, max) => {
    const stream = await r.google.models.generateContentStream({
      model,
      contents: 'hello there',
      config: { maxOutputTokens: max },
    });
    let text = '';
    let finish: string | undefined;
    let outputTokens: number | undefined;
    let headers: Record<string, string> | undefined;
    for await (const chunk of stream) {
      text += chunk.text ?? '';
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
      outputTokens = chunk.usageMetadata?.candidatesTokenCount ?? outputTokens;
      headers ??= chunk.sdkHttpResponse?.headers;
    }
    return {
      text,
      finish,
      outputTokens,
      requestId: headers?.['x-request-id'] as string,
      routedVia: headers?.['x-routed-via'],
    };
  },
  toolCall: async (r, model) => {
    const stream = await r.google.models.generateContentStream({
      model,
      contents: QUESTION,
      config: { tools: [GEMINI_TOOL] },
    });
    const calls: GenAI.FunctionCall[] = [];
    let finish: string | undefined;
    for await (const chunk of stream) {
      calls.push(...(chunk.functionCalls ?? []));
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    expect(calls).toHaveLength(1);
    const call = calls[0] as GenAI.FunctionCall;
    return { id: call.id, name: call.name as string, args: call.args, finish };
  },
  toolResult: async (r, model, call) => {
    const answer = await r.google.models.generateContent({
      model,
      contents: [
        { role: 'user', parts: [{ text: QUESTION }] },
        {
          role: 'model',
          parts: [
            { functionCall: { id: call.id, name: call.name, args: call.args as Record<string, unknown> } },
          ],
        },
        {
          role: 'user',
          parts: [{ functionResponse: { id: call.id, name: call.name, response: { output: 'sunny' } } }],
        },
      ],
      config: { tools: [GEMINI_TOOL] },
    });
    return answer.text ?? '';
  },
  dropped: async (r, model) => {
    const stream = await r.google.models.generateContentStream({ model, contents: 'hello' });
    let finished = false;
    let requestId: string | undefined;
    const error = await failure(
      (async () => {
        for await (const chunk of stream) {
          requestId ??= chunk.sdkHttpResponse?.headers?.['x-request-id'];
          if (chunk.candidates?.[0]?.finishReason !== undefined) finished = true;
        }
      })(),
    );
    expect(error).toBeInstanceOf(Error);
    return { error, finished, requestId: requestId as string };
  },
  expectPassedThrough: (body) => {
    // The model is in the URL; the body is the client's own.
    expect(body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hello there' }] }],
      systemInstruction: { role: 'user', parts: [{ text: 'be brief' }] },
      generationConfig: { maxOutputTokens: 40 },
    });
  },
};

interface UpstreamSetup {
  type: UpstreamType;
  /** The channel key, with the mock's options: cache counts where the format reports them. */
  key: string;
  settings?: object;
  /** Azure: the deployment the gateway model maps to. */
  deployment?: string;
  path(upstreamModel: string, stream: boolean): string;
}

const UPSTREAMS: UpstreamSetup[] = [
  { type: 'openai', key: 'sk-mock-matrix', path: () => '/v1/chat/completions' },
  { type: 'anthropic', key: 'sk-ant-mock;cacheRead=2;cacheWrite=1', path: () => '/v1/messages' },
  {
    type: 'gemini',
    key: 'AIza-mock;cacheRead=2',
    path: (model, stream) =>
      `/v1beta/models/${model}:${stream ? 'streamGenerateContent' : 'generateContent'}`,
  },
  {
    type: 'azure-openai',
    key: 'azure-mock-key',
    settings: { apiVersion: '2024-10-21' },
    deployment: 'dep-matrix',
    path: (deployment) => `/openai/deployments/${deployment}/chat/completions`,
  },
];

const INGRESSES = [chat, messages, responses, gemini];

/** The tool result reached the upstream in its own format, paired with the call it answers. */
function expectToolResultUpstream(type: UpstreamType, recorded: RecordedRequest, call: ToolCall): void {
  const body = recorded.body as Record<string, unknown>;
  if (type === 'openai' || type === 'azure-openai') {
    const sent = body['messages'] as Array<Record<string, unknown>>;
    const assistant = sent.find((m) => m['role'] === 'assistant') as {
      tool_calls: Array<Record<string, unknown>>;
    };
    const tool = sent.find((m) => m['role'] === 'tool') as Record<string, unknown>;
    expect(assistant.tool_calls[0]).toMatchObject({ type: 'function', function: { name: TOOL.name } });
    expect(tool['tool_call_id']).toBe(assistant.tool_calls[0]?.['id']);
    if (call.id) expect(tool['tool_call_id']).toBe(call.id);
    expect(JSON.stringify(tool['content'])).toContain('sunny');
  } else if (type === 'anthropic') {
    const blocks = (body['messages'] as Array<{ content: unknown }>).flatMap((m) =>
      Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : [],
    );
    const use = blocks.find((b) => b['type'] === 'tool_use') as Record<string, unknown>;
    const result = blocks.find((b) => b['type'] === 'tool_result') as Record<string, unknown>;
    expect(use).toMatchObject({ name: TOOL.name });
    expect(result['tool_use_id']).toBe(use['id']);
    if (call.id) expect(result['tool_use_id']).toBe(call.id);
    expect(JSON.stringify(result['content'])).toContain('sunny');
  } else {
    const parts = (body['contents'] as Array<{ parts: Array<Record<string, unknown>> }>).flatMap(
      (c) => c.parts,
    );
    expect(parts.find((p) => p['functionCall'])).toMatchObject({ functionCall: { name: TOOL.name } });
    const response = parts.find((p) => p['functionResponse']) as Record<string, unknown>;
    expect(response).toMatchObject({ functionResponse: { name: TOOL.name } });
    expect(JSON.stringify(response)).toContain('sunny');
  }
}

describe('ingress × upstream matrix (official SDKs → gateway → mock upstream)', () => {
  let r: IngressRelay;

  beforeAll(async () => {
    r = await startIngressRelay('relay_ingress_matrix');
    for (const upstream of UPSTREAMS) {
      const model = `mx-${upstream.type}`;
      const mapping = upstream.deployment ? { [model]: upstream.deployment } : {};
      const settings = upstream.settings ? { settings: upstream.settings } : {};
      await r.channel(upstream.type, `ch-${upstream.type}`, model, upstream.key, {
        modelMapping: mapping,
        ...settings,
      });
      await r.price(model);
      // The mock's options ride in the channel key (the gateway never forwards the client's headers).
      await r.channel(
        upstream.type,
        `ch-${upstream.type}-tool`,
        `${model}-tool`,
        `${upstream.key};tool=1;chunks=6`,
        settings,
      );
      await r.channel(
        upstream.type,
        `ch-${upstream.type}-drop`,
        `${model}-drop`,
        `${upstream.key};drop=6`,
        settings,
      );
    }
  });

  afterAll(async () => {
    await r?.close();
  });

  beforeEach(() => r.mock.reset());

  const cases = INGRESSES.flatMap((ingress) => UPSTREAMS.map((upstream) => ({ ingress, upstream })));

  describe.each(cases)('$ingress.name ingress, $upstream.type upstream', ({ ingress, upstream }) => {
    const model = `mx-${upstream.type}`;
    const upstreamModel = upstream.deployment ?? model;

    function expectCalledAsItsFormat(recorded: RecordedRequest, stream: boolean): void {
      expect(recorded.path).toBe(upstream.path(upstreamModel, stream));
      const sentKey = recorded.headers[KEY_HEADER[upstream.type]];
      expect(sentKey).toBe(upstream.type === 'openai' ? `Bearer ${upstream.key}` : upstream.key);
      expect(JSON.stringify(recorded.path)).not.toContain('mock');
    }

    it('answers without a stream in its own format, asking upstream for the client limit, billed as reported', async () => {
      const answer = await ingress.answer(r, model, 40);
      expect(answer.text).toMatch(/^alpha bravo/);
      expect(answer.finish).toBe(ingress.finish.stop);
      expect(answer.routedVia).toBe(`ch-${upstream.type}/${upstreamModel}`);
      const recorded = r.upstreamCall();
      expectCalledAsItsFormat(recorded, false);
      expect(upstreamMaxOutput(recorded)).toBe(40);
      if (ingress.sameFormat === upstream.type)
        ingress.expectPassedThrough(recorded.body as Record<string, unknown>, upstreamModel);
      expect(answer.outputTokens).toBe(recorded.usage?.completion_tokens);
      const record = await usageRecord(r.api, r.admin, answer.requestId);
      expectBilledAsReported(record, recorded);
      expect(record).toMatchObject({ model, upstreamModel, stream: false });
    });

    it('streams text that joins to the answer, stopped at the client limit, billed as reported', async () => {
      const answer = await ingress.stream(r, model, 5);
      expect(answer.text).toBe('alpha bravo charlie delta echo');
      expect(answer.finish).toBe(ingress.finish.length);
      expect(answer.routedVia).toBe(`ch-${upstream.type}/${upstreamModel}`);
      const recorded = r.upstreamCall();
      expectCalledAsItsFormat(recorded, true);
      expect(upstreamMaxOutput(recorded)).toBe(5);
      expect(answer.outputTokens).toBe(5);
      const record = await usageRecord(r.api, r.admin, answer.requestId);
      expectBilledAsReported(record, recorded);
      expect(record.stream).toBe(true);
      expect(record.ttftMs).not.toBeNull();
    });

    it('streams a tool call the SDK reassembles, and carries its result back upstream', async () => {
      const call = await ingress.toolCall(r, `${model}-tool`);
      expect(call.name).toBe(TOOL.name);
      expect(call.args).toEqual({ mock: expect.stringMatching(/^alpha bravo/) });
      if (ingress.finish.tool) expect(call.finish).toBe(ingress.finish.tool);
      expect(r.upstreamCall().stream).toBe(true);

      r.mock.reset();
      const text = await ingress.toolResult(r, model, call);
      expect(text).toMatch(/^alpha bravo/);
      expectToolResultUpstream(upstream.type, r.upstreamCall(), call);
    });

    it("ends a stream the upstream cut with the ingress's own error, never its success terminator", async () => {
      const dropped = await ingress.dropped(r, `${model}-drop`);
      expect(String(dropped.error)).toContain(DROPPED);
      expect(dropped.finished).toBe(false);
      expect(r.upstreamCall().dropped).toBe(true);
      const record = await usageRecord(r.api, r.admin, dropped.requestId);
      expect(record).toMatchObject({ status: 502, errorCode: 'upstream_error' });
    });
  });

  it('fails over a /v1/messages client from an overloaded Anthropic channel (529) to a Gemini channel', async () => {
    await r.channel('anthropic', 'ch-overloaded', 'mx-failover', 'sk-ant-mock;status=529', { priority: 10 });
    await r.channel('gemini', 'ch-rescue', 'mx-failover', 'AIza-rescue');
    const { data, response } = await r.anthropic.messages
      .create({ model: 'mx-failover', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    const first = data.content[0];
    expect(first?.type === 'text' ? first.text : '').toMatch(/^alpha bravo/);
    expect(data.stop_reason).toBe('end_turn');
    expect(response.headers.get('x-routed-via')).toBe('ch-rescue/mx-failover');
    expect(response.headers.get('x-fallback-attempts')).toBe('1');
    expect(r.upstreamCalls().map((c) => c.path)).toEqual([
      '/v1/messages',
      '/v1beta/models/mx-failover:generateContent',
    ]);
    const record = await usageRecord(r.api, r.admin, response.headers.get('x-request-id') as string);
    expect(record.fallbacks).toEqual([
      expect.objectContaining({ channelName: 'ch-overloaded', status: 529, code: 'server_error' }),
    ]);
    expect(record.channelId).not.toBeNull();
  });
});

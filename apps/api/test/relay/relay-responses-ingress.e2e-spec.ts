// POST /v1/responses clients (the openai SDK's `client.responses`, unchanged): what is particular
// to this ingress — the stateless gateway's refusal of `previous_response_id` and gateway errors in
// OpenAI's shape. Answers, the `response.*` stream, function calls, broken streams and billing
// against every upstream are in relay-ingress-matrix.
import OpenAI from 'openai';
import { startIngressRelay, type IngressRelay } from './ingress-fixture';

describe('/v1/responses clients (openai SDK responses → gateway → mock upstream)', () => {
  let r: IngressRelay;
  let client: OpenAI;

  beforeAll(async () => {
    r = await startIngressRelay('relay_responses_ingress');
    await r.channel('openai', 'ch-openai', 'r-openai', 'sk-mock-responses');
    await r.channel('anthropic', 'ch-anthropic', 'r-anthropic', 'sk-ant-mock');
    await r.channel('gemini', 'ch-gemini', 'r-gemini', 'AIza-mock');
    client = r.openai;
  });

  afterAll(async () => {
    await r?.close();
  });

  beforeEach(() => r.mock.reset());

  it('refuses previous_response_id with a 400 naming it (the gateway keeps no responses)', async () => {
    const error = await client.responses
      .create({ model: 'r-openai', input: 'and then?', previous_response_id: 'resp_123' })
      .then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
    expect(error?.status).toBe(400);
    expect(error?.param).toBe('previous_response_id');
    expect(error?.message).toContain('previous_response_id');
    expect(r.upstreamCalls()).toHaveLength(0);
  });

  it("answers gateway errors in OpenAI's shape", async () => {
    const error = await client.responses.create({ model: 'no-such-model', input: 'hi' }).then(
      () => undefined,
      (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
    );
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error?.param).toBe('model');
  });

  it("echoes the request's settings in the response, streamed or not, whichever format served it", async () => {
    const sent = {
      instructions: 'be brief',
      input: [
        { role: 'developer' as const, content: 'answer in English' },
        { role: 'user' as const, content: 'hello there' },
      ],
      tools: [
        {
          type: 'function' as const,
          name: 'get_weather',
          description: 'the weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          strict: false,
        },
      ],
      tool_choice: 'none' as const,
      temperature: 0.3,
      top_p: 0.9,
      max_output_tokens: 50,
      parallel_tool_calls: false,
      metadata: { ticket: 'T-1' },
      text: { format: { type: 'text' as const }, verbosity: 'low' as const },
      reasoning: { effort: 'low' as const, summary: 'auto' as const },
      truncation: 'auto' as const,
      user: 'user-1',
      store: false,
    };
    const echoed = {
      instructions: 'be brief',
      tools: [{ ...sent.tools[0] }],
      tool_choice: 'none',
      temperature: 0.3,
      top_p: 0.9,
      max_output_tokens: 50,
      parallel_tool_calls: false,
      metadata: { ticket: 'T-1' },
      text: { format: { type: 'text' }, verbosity: 'low' },
      reasoning: { effort: 'low', summary: 'auto' },
      truncation: 'auto',
      user: 'user-1',
      store: false,
      previous_response_id: null,
    };
    // What OpenAI answers for the settings a client did not send.
    const defaults = {
      instructions: null,
      tools: [],
      tool_choice: 'auto',
      temperature: 1,
      top_p: 1,
      max_output_tokens: null,
      parallel_tool_calls: true,
      metadata: {},
      text: { format: { type: 'text' }, verbosity: 'medium' },
      reasoning: { effort: null, summary: null },
      truncation: 'disabled',
      user: null,
      store: false,
      previous_response_id: null,
    };
    for (const model of ['r-openai', 'r-anthropic', 'r-gemini']) {
      for (const [request, expected] of [
        [sent, echoed],
        [{ input: 'hello there' }, defaults],
      ] as const) {
        const answer = await client.responses.create({ ...request, model });
        expect(answer).toMatchObject(expected);
        const stream = await client.responses.create({ ...request, model, stream: true });
        const seen: string[] = [];
        for await (const event of stream) {
          if (
            event.type === 'response.created' ||
            event.type === 'response.in_progress' ||
            event.type === 'response.completed' ||
            event.type === 'response.incomplete'
          ) {
            seen.push(event.type);
            expect(event.response).toMatchObject(expected);
          }
        }
        expect(seen.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
        expect(seen).toHaveLength(3);
      }
    }
  });
});

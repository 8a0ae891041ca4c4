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
});

import OpenAI from 'openai';
import { mockUpstreamPerSuite } from '../test/mock-upstream-fixture';

const upstream = mockUpstreamPerSuite();
const client = (apiKey = 'sk-mock', headers: Record<string, string> = {}): OpenAI =>
  upstream.client(apiKey, { defaultHeaders: headers });

const params = { model: 'mock-gpt', messages: [{ role: 'user' as const, content: 'hi' }] };

function post(
  path: string,
  body: string,
  headers: Record<string, string> = { authorization: 'Bearer sk' },
): Promise<Response> {
  return fetch(`${upstream.mock.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

async function errorOf(
  response: Response,
): Promise<{ message: string; type: string; param: string | null; code: string | null }> {
  const body = (await response.json()) as {
    error: { message: string; type: string; param: string | null; code: string | null };
  };
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  return body.error;
}

describe('requests the mock refuses', () => {
  it('answers 401 in the OpenAI shape without a bearer token', async () => {
    const response = await post('/chat/completions', JSON.stringify(params), {});
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(upstream.mock.requests[0]).toMatchObject({ apiKey: undefined, status: 401, behaviour: undefined });
  });

  it('answers 400 naming a misspelt option, which the SDK surfaces as BadRequestError', async () => {
    const error = await client('sk;lateny=50')
      .chat.completions.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const badRequest = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(badRequest.param).toBe('lateny');
    expect(badRequest.code).toBe('mock_invalid_option');
    expect(badRequest.message).toContain('"lateny"');
  });

  it('answers 400 naming an option with a bad value in the x-mock header', async () => {
    const error = await client('sk', { 'x-mock': 'tokens=many' })
      .chat.completions.create(params)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tokens');
  });

  it('answers 400 to malformed JSON and to a body that is not an object', async () => {
    const malformed = await post('/chat/completions', '{"model": "mock-gpt",');
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).message).toMatch(/could not parse the JSON body/);

    const array = await post('/chat/completions', '[1, 2]');
    expect(array.status).toBe(400);
    expect((await errorOf(array)).message).toMatch(/JSON object/);
  });

  it('answers 400 naming a field of the wrong type', async () => {
    const response = await post('/chat/completions', JSON.stringify({ ...params, n: 'two' }));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).param).toBe('n');
  });

  it('answers 404 in the OpenAI shape to an unknown route or method', async () => {
    const unknown = await post('/nothing/here', '{}');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).message).toBe('Invalid URL (POST /v1/nothing/here)');

    const wrongMethod = await fetch(`${upstream.mock.baseUrl}/chat/completions?x=1`, {
      headers: { authorization: 'Bearer sk' },
    });
    expect(wrongMethod.status).toBe(404);
    expect((await errorOf(wrongMethod)).message).toBe('Invalid URL (GET /v1/chat/completions)');
  });

  it('survives junk and keeps serving', async () => {
    await post('/chat/completions', '\u0000\uffff');
    await post('/chat/completions', JSON.stringify({ model: 1, messages: 'no' }));
    await post('/embeddings', JSON.stringify({ model: 'e', input: [{}] }));
    await fetch(`${upstream.mock.baseUrl}/models/%E0%A4%A`, { headers: { authorization: 'Bearer sk' } });
    await expect(client().chat.completions.create(params)).resolves.toMatchObject({
      object: 'chat.completion',
    });
    expect(upstream.mock.requests.map((r) => r.status)).toEqual([400, 400, 400, 404, 200]);
  });
});

describe('the x-mock header', () => {
  it('overrides the options of the key', async () => {
    await expect(client('sk;status=500').chat.completions.create(params)).rejects.toBeInstanceOf(
      OpenAI.InternalServerError,
    );
    const completion = await client('sk;status=500;tokens=2', {
      'x-mock': 'status=200',
    }).chat.completions.create(params);
    expect(completion.usage?.completion_tokens).toBe(2);
    expect(upstream.mock.requests[1].behaviour).toMatchObject({ status: 200, tokens: 2 });
  });

  it('works with a plain key', async () => {
    await expect(
      client('sk-plain', { 'x-mock': 'status=429' }).chat.completions.create(params),
    ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });
});

import OpenAI from 'openai';
import { mockUpstreamPerSuite } from '../../test/mock-upstream-fixture';
import { mockCompletionText } from '../generated-text';

const upstream = mockUpstreamPerSuite();
const messages = [{ role: 'user' as const, content: 'hi' }];

describe('POST /openai/deployments/{deployment}/chat/completions', () => {
  it('answers the AzureOpenAI client as chat completions, the deployment standing for the model', async () => {
    const completion = await upstream
      .azure('azure-key;tokens=4', 'my-gpt')
      .chat.completions.create({ model: 'ignored', messages });

    expect(completion.model).toBe('my-gpt');
    expect(completion.choices[0].message.content).toBe(mockCompletionText(4));
    expect(completion.usage).toEqual({ prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
    const record = upstream.mock.requests[0];
    expect(record).toMatchObject({
      path: '/openai/deployments/my-gpt/chat/completions',
      apiKey: 'azure-key;tokens=4',
    });
    expect(record.headers['api-key']).toBe('azure-key;tokens=4');
  });

  it('streams and fails with the same knobs', async () => {
    const stream = await upstream
      .azure('azure-key;tokens=3')
      .chat.completions.create({ model: 'x', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(mockCompletionText(3));

    await expect(
      upstream.azure('azure-key;status=429').chat.completions.create({ model: 'x', messages }),
    ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('requires api-version and a key', async () => {
    const url = `${upstream.mock.url}/openai/deployments/d/chat/completions`;
    const body = JSON.stringify({ messages });
    const noVersion = await fetch(url, { method: 'POST', headers: { 'api-key': 'k' }, body });
    expect(noVersion.status).toBe(404);
    const noKey = await fetch(`${url}?api-version=2024-10-21`, { method: 'POST', body });
    expect(noKey.status).toBe(401);
  });

  it('answers embeddings at the deployment embeddings path, the deployment standing for the model', async () => {
    const answer = await upstream
      .azure('azure-key', 'my-embedder')
      .embeddings.create({ model: 'ignored', input: ['hello', 'world'], encoding_format: 'float' });
    expect(answer.data).toHaveLength(2);
    expect(answer.model).toBe('my-embedder');
    expect(upstream.mock.requests[0]?.path).toBe('/openai/deployments/my-embedder/embeddings');
  });
});

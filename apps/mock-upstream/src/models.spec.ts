import OpenAI from 'openai';
import { MOCK_MODELS } from './models';
import { mockUpstreamPerSuite } from '../test/mock-upstream-fixture';

const upstream = mockUpstreamPerSuite();
const { client } = upstream;

describe('GET /v1/models', () => {
  it('lists the mock models in the OpenAI shape', async () => {
    const ids: string[] = [];
    for await (const model of client().models.list()) {
      expect(model).toEqual({
        id: model.id,
        object: 'model',
        created: expect.any(Number),
        owned_by: 'mock-upstream',
      });
      ids.push(model.id);
    }
    expect(ids).toEqual(MOCK_MODELS);
    expect(ids).toEqual(expect.arrayContaining(['mock-gpt', 'mock-gpt-mini', 'mock-embed']));
  });

  it('retrieves one model, and 404s an unknown one', async () => {
    expect((await client().models.retrieve('mock-gpt-mini')).id).toBe('mock-gpt-mini');
    await expect(client().models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('requires auth like the other endpoints', async () => {
    const response = await fetch(`${upstream.mock.baseUrl}/models`);
    expect(response.status).toBe(401);
  });
});

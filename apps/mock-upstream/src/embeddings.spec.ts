import OpenAI from 'openai';
import { embeddingVector } from './embedding-vector';
import { mockUpstreamPerSuite } from '../test/mock-upstream-fixture';

const upstream = mockUpstreamPerSuite();
const { client } = upstream;

describe('embeddingVector', () => {
  it('is deterministic, unit length and text-dependent', () => {
    const vector = embeddingVector('hello');
    expect(vector).toHaveLength(8);
    expect(Array.from(embeddingVector('hello'))).toEqual(Array.from(vector));
    expect(Array.from(embeddingVector('world'))).not.toEqual(Array.from(vector));
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    expect(embeddingVector('hello', 20)).toHaveLength(20);
  });
});

describe('POST /v1/embeddings', () => {
  it('answers base64, as the SDK asks by default, which the SDK decodes to the float32 vectors', async () => {
    const response = await client().embeddings.create({ model: 'mock-embed', input: ['hello world', 'bye'] });

    expect(upstream.mock.requests[0].body).toMatchObject({ encoding_format: 'base64' });
    expect(response.object).toBe('list');
    expect(response.model).toBe('mock-embed');
    expect(response.data.map((item) => item.index)).toEqual([0, 1]);
    expect(response.data[0].embedding).toEqual(Array.from(embeddingVector('hello world')));
    expect(response.data[1].embedding).toEqual(Array.from(embeddingVector('bye')));
    expect(response.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it('answers the same numbers as floats when asked', async () => {
    const floats = await client().embeddings.create({
      model: 'mock-embed',
      input: 'hello world',
      encoding_format: 'float',
    });
    const decoded = await client().embeddings.create({ model: 'mock-embed', input: 'hello world' });

    expect(typeof floats.data[0].embedding[0]).toBe('number');
    expect(floats.data[0].embedding).toHaveLength(8);
    expect(floats.data[0].embedding).toEqual(decoded.data[0].embedding);
  });

  it('honours dimensions', async () => {
    const response = await client().embeddings.create({
      model: 'mock-embed',
      input: 'a',
      dimensions: 16,
      encoding_format: 'float',
    });
    expect(response.data[0].embedding).toHaveLength(16);
  });

  it('refuses an unknown encoding_format and an empty input list', async () => {
    const badFormat = await client()
      .embeddings.create({ model: 'mock-embed', input: 'a', encoding_format: 'int8' as 'float' })
      .catch((e: unknown) => e);
    expect(badFormat).toBeInstanceOf(OpenAI.BadRequestError);
    expect((badFormat as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('encoding_format');

    const empty = await client()
      .embeddings.create({ model: 'mock-embed', input: [] })
      .catch((e: unknown) => e);
    expect((empty as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('input');
  });
});

import { toFile } from 'openai';
import { mockUpstreamPerSuite } from '../../test/mock-upstream-fixture';
import { MOCK_TRANSCRIPT, SPEECH_BYTES_PER_CHARACTER } from './audio';
import { IMAGE_OUTPUT_TOKENS, MOCK_PNG_BASE64 } from './images';

const upstream = mockUpstreamPerSuite();
const { client } = upstream;

/** 16 kHz mono 16-bit WAV: 32,000 bytes a second. */
function wav(seconds: number): Buffer {
  const data = 32_000 * seconds;
  const file = Buffer.alloc(44 + data);
  file.write('RIFFxxxxWAVEfmt ', 0, 'latin1');
  file.writeUInt32LE(32_000, 28);
  return file;
}

describe('media routes of the mock', () => {
  it('generates n images, with token usage for gpt-image models only', async () => {
    const dalle = await client().images.generate({
      model: 'dall-e-3',
      prompt: 'x',
      n: 2,
      response_format: 'b64_json',
    });
    expect(dalle.data?.map((image) => image.b64_json)).toEqual([MOCK_PNG_BASE64, MOCK_PNG_BASE64]);
    expect(dalle.usage).toBeUndefined();
    const gptImage = await client().images.generate({ model: 'gpt-image-1', prompt: 'x' });
    expect(gptImage.usage?.output_tokens).toBe(IMAGE_OUTPUT_TOKENS);
  });

  it('reads a multipart upload as it streams and hears its WAV duration', async () => {
    const verbose = await client().audio.transcriptions.create({
      file: await toFile(wav(3), 'a.wav'),
      model: 'whisper-1',
      response_format: 'verbose_json',
    });
    expect(verbose).toMatchObject({ text: MOCK_TRANSCRIPT, duration: 3 });
    expect(upstream.mock.requests[0]?.body).toMatchObject({
      model: 'whisper-1',
      file: { filename: 'a.wav', size: 96_044 },
    });
    const srt = await client().audio.translations.create({
      file: await toFile(wav(2), 'b.wav'),
      model: 'whisper-1',
      response_format: 'srt',
    });
    expect(srt).toContain('00:00:00,000 --> 00:00:02,000');
  });

  it('speaks SPEECH_BYTES_PER_CHARACTER bytes per character, as audio/mpeg by default', async () => {
    const response = await client().audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'hello' });
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect((await response.arrayBuffer()).byteLength).toBe(5 * SPEECH_BYTES_PER_CHARACTER);
  });

  it('flags violence and ranks documents by the query', async () => {
    const moderation = await client().moderations.create({ input: ['kill it', 'fine'] });
    expect(moderation.results.map((r) => r.flagged)).toEqual([true, false]);
    const ranked = await client().post<{ results: { index: number }[]; usage: { total_tokens: number } }>(
      '/rerank',
      {
        body: { model: 'r', query: 'blue sky', documents: ['green grass', 'the blue sky'] },
      },
    );
    expect(ranked.results.map((r) => r.index)).toEqual([1, 0]);
    expect(ranked.usage.total_tokens).toBeGreaterThan(0);
  });

  it('refuses an upload without its file, naming it', async () => {
    await expect(client().audio.transcriptions.create({ model: 'whisper-1' } as never)).rejects.toMatchObject(
      {
        status: 400,
        param: 'file',
      },
    );
  });
});

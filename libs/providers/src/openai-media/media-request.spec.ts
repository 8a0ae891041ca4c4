import { RequestValidationError } from '../validation/request-validation-error';
import { parseJsonMediaRequest, parseMultipartMediaRequest } from './media-request';
import { mediaEventError, mediaEventUsage, mediaJsonUsage, subtitleSeconds } from './media-usage';
import { wavSeconds } from './wav-duration';

const param = (fn: () => unknown): string | null | undefined => {
  try {
    fn();
  } catch (error) {
    if (error instanceof RequestValidationError) return error.param;
    throw error;
  }
  return undefined;
};

describe('media requests', () => {
  it('reads an image request and its worst case', () => {
    const parsed = parseJsonMediaRequest('images.generations', {
      model: 'dall-e-3',
      prompt: 'a cat',
      n: 2,
      size: '1024x1024',
      quality: 'hd',
      extra: 1,
    });
    expect(parsed).toMatchObject({
      model: 'dall-e-3',
      stream: false,
      worst: { kind: 'images', count: 2, size: '1024x1024', quality: 'hd' },
    });
    expect(parsed.body['extra']).toBe(1);
  });

  it.each([
    [{ prompt: 'x' }, 'model'],
    [{ model: 'm' }, 'prompt'],
    [{ model: 'm', prompt: 'x', n: 0 }, 'n'],
    [{ model: 'm', prompt: 'x', size: 'big' }, 'size'],
    [{ model: 'm', prompt: 'x', response_format: 'png' }, 'response_format'],
  ])('names the bad field of an image request %j', (body, field) => {
    expect(param(() => parseJsonMediaRequest('images.generations', body))).toBe(field);
  });

  it('counts speech characters as code points and refuses a missing voice', () => {
    expect(
      parseJsonMediaRequest('audio.speech', { model: 'tts-1', voice: 'alloy', input: 'hé 👋' }).worst,
    ).toEqual({
      kind: 'speech',
      characters: 4,
    });
    expect(param(() => parseJsonMediaRequest('audio.speech', { model: 'tts-1', input: 'x' }))).toBe('voice');
    expect(
      param(() =>
        parseJsonMediaRequest('audio.speech', { model: 'tts-1', voice: 'a', input: 'x', speed: 9 }),
      ),
    ).toBe('speed');
  });

  it('defaults the moderation model and reads rerank documents in either form', () => {
    expect(parseJsonMediaRequest('moderations', { input: 'hi' }).model).toBe('omni-moderation-latest');
    expect(
      parseJsonMediaRequest('rerank', { model: 'r', query: 'q', documents: ['a', { text: 'b' }] }).worst,
    ).toEqual({
      kind: 'text',
      texts: ['q', 'a', 'b'],
    });
    expect(param(() => parseJsonMediaRequest('rerank', { model: 'r', query: 'q', documents: [3] }))).toBe(
      'documents[0]',
    );
  });

  it('reads a transcription upload and names what is missing or wrong', () => {
    const file = { field: 'file', filename: 'a.wav', contentType: 'audio/wav', size: 10 };
    const parsed = parseMultipartMediaRequest(
      'audio.transcriptions',
      [
        ['model', 'whisper-1'],
        ['stream', 'true'],
      ],
      [file],
    );
    expect(parsed).toMatchObject({ stream: true, worst: { kind: 'audio', bytes: 10 } });
    expect(param(() => parseMultipartMediaRequest('audio.transcriptions', [['model', 'w']], []))).toBe(
      'file',
    );
    expect(param(() => parseMultipartMediaRequest('audio.transcriptions', [], [file]))).toBe('model');
    expect(
      param(() =>
        parseMultipartMediaRequest(
          'audio.translations',
          [
            ['model', 'w'],
            ['stream', 'true'],
          ],
          [file],
        ),
      ),
    ).toBe('stream');
    expect(
      param(() =>
        parseMultipartMediaRequest(
          'audio.transcriptions',
          [
            ['model', 'w'],
            ['response_format', 'mp3'],
          ],
          [file],
        ),
      ),
    ).toBe('response_format');
  });

  it('reads what answers report: images, seconds, tokens, a transcript', () => {
    expect(
      mediaJsonUsage({ data: [{}, {}], usage: { input_tokens: 5, output_tokens: 7, total_tokens: 12 } }),
    ).toEqual({
      images: 2,
      seconds: null,
      tokens: { promptTokens: 5, completionTokens: 7, cachedTokens: 0, reasoningTokens: 0 },
      text: null,
    });
    expect(mediaJsonUsage({ text: 'heard' }).text).toBe('heard');
    expect(mediaEventUsage('{"type":"transcript.text.done","text":"heard"}')).toMatchObject({
      tokens: null,
      text: 'heard',
    });
    expect(mediaEventUsage('{"type":"transcript.text.delta","delta":"heard"}')).toBeNull();
    expect(mediaEventError({ data: '{"type":"error","error":{"message":"blocked"}}' })).toBe('blocked');
    expect(mediaEventError({ event: 'error', data: 'gone' })).toBe('the upstream sent an error event');
    expect(mediaEventError({ data: '{"type":"transcript.text.delta","delta":"\\"error\\""}' })).toBeNull();
    expect(mediaEventError({ data: '{"type":"image_generation.completed","error":null}' })).toBeNull();
    expect(mediaJsonUsage({ text: 'x', usage: { type: 'duration', seconds: 8 } }).seconds).toBe(8);
    expect(mediaJsonUsage({ text: 'x', duration: 7.5 }).seconds).toBe(7.5);
    expect(mediaJsonUsage({ results: [], usage: { total_tokens: 11 } }).tokens?.promptTokens).toBe(11);
    expect(subtitleSeconds('1\n00:00:00,000 --> 00:01:02,500\nhi\n')).toBe(62.5);
    expect(subtitleSeconds('plain text')).toBeNull();
  });
});

describe('wavSeconds', () => {
  const header = (overrides: { byteRate?: number; format?: number } = {}) => {
    const head = Buffer.alloc(44);
    head.write('RIFF', 0, 'latin1');
    head.write('WAVEfmt ', 8, 'latin1');
    head.writeUInt16LE(overrides.format ?? 1, 20);
    head.writeUInt16LE(1, 22);
    head.writeUInt32LE(16_000, 24);
    head.writeUInt32LE(overrides.byteRate ?? 32_000, 28);
    head.writeUInt16LE(2, 32);
    head.writeUInt16LE(16, 34);
    head.write('data', 36, 'latin1');
    return head;
  };

  it('reads a PCM WAV duration from its header and size', () => {
    expect(wavSeconds(header(), 44 + 32_000 * 7.5)).toBe(7.5);
  });

  it('gives null for other formats and for headers whose fields disagree', () => {
    expect(wavSeconds(header({ byteRate: 3_200_000 }), 1_000_044)).toBeNull();
    expect(wavSeconds(header({ format: 3 }), 1_000_044)).toBeNull();
    expect(wavSeconds(Buffer.from('ID3\u0004mp3 bytes…'), 1000)).toBeNull();
  });
});

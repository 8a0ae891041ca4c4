// Images, audio, moderations and rerank through the official OpenAI SDK → gateway → mock upstream:
// each route's answer, the unit and exact cost its usage record bills, failover before the first
// byte (an upload sent again from disk), and a 25 MB transcription upload that leaves memory flat.
import type { MockUpstream } from '@gateway/mock-upstream';
import { waitFor } from '@gateway/testing';
import { AUDIO_TOKENS_PER_SECOND, countTextTokens } from '@gateway/providers';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import OpenAI, { toFile } from 'openai';
import request from 'supertest';
import type { ApiHarness } from '../api-harness';
import {
  createChannel,
  fund,
  sdk,
  sdkError,
  seedTenantWithToken,
  startRelay,
  usageRecord,
  type Relay,
} from './relay-fixture';

/** A PCM WAV file: 16 kHz, mono, 16-bit (32,000 bytes a second), `dataBytes` of samples. */
function wav(dataBytes: number): Buffer {
  const file = Buffer.alloc(44 + dataBytes, 0);
  file.write('RIFF', 0, 'latin1');
  file.writeUInt32LE(36 + dataBytes, 4);
  file.write('WAVEfmt ', 8, 'latin1');
  file.writeUInt32LE(16, 16);
  file.writeUInt16LE(1, 20);
  file.writeUInt16LE(1, 22);
  file.writeUInt32LE(16_000, 24);
  file.writeUInt32LE(32_000, 28);
  file.writeUInt16LE(2, 32);
  file.writeUInt16LE(16, 34);
  file.write('data', 36, 'latin1');
  file.writeUInt32LE(dataBytes, 40);
  for (let i = 44; i < file.length; i += 997) file[i] = i % 251;
  return file;
}

/**
 * A GSM 6.10 WAV (format 0x31, 13 kbit/s: 1,625 bytes a second) of `seconds`, as a phone system
 * records it: its duration is not read by the gateway (not PCM), the mock hears it from the header.
 */
function gsmWav(seconds: number): Buffer {
  const dataBytes = 1625 * seconds;
  const file = Buffer.alloc(44 + dataBytes, 0);
  file.write('RIFF', 0, 'latin1');
  file.writeUInt32LE(36 + dataBytes, 4);
  file.write('WAVEfmt ', 8, 'latin1');
  file.writeUInt32LE(16, 16);
  file.writeUInt16LE(0x31, 20);
  file.writeUInt16LE(1, 22);
  file.writeUInt32LE(8000, 24);
  file.writeUInt32LE(1625, 28);
  file.writeUInt16LE(65, 32);
  file.write('data', 36, 'latin1');
  file.writeUInt32LE(dataBytes, 40);
  return file;
}

/**
 * `client.audio.transcriptions.create` with a `size`-byte WAV, from a child process (its own memory),
 * through the official SDK; resolves with the request id and the transcript.
 */
function uploadFromChild(
  url: string,
  apiKey: string,
  size: number,
): Promise<{ requestId: string; text: string }> {
  const script = `
    const { default: OpenAI, toFile } = require('openai');
    (async () => {
      const size = Number(process.env.SIZE);
      const file = Buffer.alloc(size);
      file.write('RIFF', 0, 'latin1'); file.writeUInt32LE(size - 8, 4); file.write('WAVEfmt ', 8, 'latin1');
      file.writeUInt32LE(16, 16); file.writeUInt16LE(1, 20); file.writeUInt16LE(1, 22);
      file.writeUInt32LE(16000, 24); file.writeUInt32LE(32000, 28); file.writeUInt16LE(2, 32);
      file.writeUInt16LE(16, 34); file.write('data', 36, 'latin1'); file.writeUInt32LE(size - 44, 40);
      const client = new OpenAI({ apiKey: process.env.KEY, baseURL: process.env.BASE_URL, maxRetries: 0, timeout: 120000 });
      const { data, response } = await client.audio.transcriptions
        .create({ file: await toFile(file, 'long.wav'), model: 'whisper-1' })
        .withResponse();
      process.stdout.write(JSON.stringify({ requestId: response.headers.get('x-request-id'), text: data.text }));
    })().catch((error) => { console.error(error); process.exit(1); });
  `;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', script],
      { env: { ...process.env, SIZE: String(size), KEY: apiKey, BASE_URL: `${url}/v1` }, timeout: 120_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`the SDK upload failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as { requestId: string; text: string });
      },
    );
  });
}

/** A full garbage collection on demand (the flag can be set at run time; `gc` then exists in a new context). */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** A 1×1 transparent PNG. */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** The mock's speech bytes for `characters` input characters (apps/mock-upstream/src/media/audio.ts). */
const SPEECH_BYTES_PER_CHARACTER = 160;

describe('media routes (openai SDK → gateway → mock upstream)', () => {
  let relay: Relay;
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;
  let client: OpenAI;

  async function setPrice(model: string, price: Record<string, unknown>): Promise<void> {
    await request(api.url)
      .put(`/api/models/${model}/price`)
      .set('authorization', `Bearer ${admin}`)
      .send({ inputPer1M: '0', outputPer1M: '0', ...price })
      .expect(200);
  }

  beforeAll(async () => {
    relay = await startRelay('relay_media', { ingestor: true });
    ({ api, mock, admin } = relay);
    await createChannel(api, admin, {
      name: 'media',
      baseUrl: mock.baseUrl,
      models: [
        'dall-e-3',
        'dall-e-sized',
        'gpt-image-1',
        'whisper-1',
        'gpt-4o-transcribe',
        'tts-1',
        'omni-moderation-latest',
        'bge-reranker',
      ],
      keys: ['sk-mock-media-0001'],
    });
    // An OpenAI-compatible transcription server that reports no usage.
    await createChannel(api, admin, {
      name: 'quiet',
      baseUrl: mock.baseUrl,
      models: ['gpt-4o-transcribe-quiet'],
      keys: ['sk-mock-quiet;usage=false'],
    });
    // Speech of 20,000 chunks of 16 KiB (312 MiB), made by the mock only as they are read.
    await createChannel(api, admin, {
      name: 'endless',
      baseUrl: mock.baseUrl,
      models: ['tts-endless'],
      keys: ['sk-mock-endless;chunks=20000'],
    });
    // Tried first for these models, always failing with a 503: the answer must come from `spare`.
    await createChannel(api, admin, {
      name: 'broken',
      baseUrl: mock.baseUrl,
      models: ['dall-e-2', 'whisper-2'],
      keys: ['sk-mock-broken;status=503'],
      priority: 10,
    });
    await createChannel(api, admin, {
      name: 'spare',
      baseUrl: mock.baseUrl,
      models: ['dall-e-2', 'whisper-2', 'dall-e-streamed'],
      keys: ['sk-mock-spare-0001'],
    });
    // Streams that fail in-band: an `error` event first (`refusing`, tried first), or after one image.
    await createChannel(api, admin, {
      name: 'refusing',
      baseUrl: mock.baseUrl,
      models: ['dall-e-streamed', 'dall-e-refused'],
      keys: ['sk-mock-refusing;streamError=0'],
      priority: 10,
    });
    await createChannel(api, admin, {
      name: 'faltering',
      baseUrl: mock.baseUrl,
      models: ['dall-e-faltering'],
      keys: ['sk-mock-faltering;streamError=1'],
    });
    await setPrice('dall-e-3', {
      perImage: '0.04',
      perImageBySize: { '1024x1792': '0.08', '1024x1024/hd': '0.08' },
    });
    await setPrice('dall-e-2', { perImage: '0.02' });
    for (const model of ['dall-e-streamed', 'dall-e-refused', 'dall-e-faltering'])
      await setPrice(model, { perImage: '0.02' });
    // Priced by size only: a request that names no size is priced at 1024x1024, the size made.
    await setPrice('dall-e-sized', { perImageBySize: { '1024x1024': '0.04', '1792x1024': '0.08' } });
    await setPrice('gpt-image-1', { inputPer1M: '5', outputPer1M: '40' });
    await setPrice('whisper-1', { perAudioSecond: '0.0001' });
    await setPrice('whisper-2', { perAudioSecond: '0.0001' });
    await setPrice('gpt-4o-transcribe', { inputPer1M: '6', outputPer1M: '10' });
    await setPrice('gpt-4o-transcribe-quiet', { inputPer1M: '6', outputPer1M: '10' });
    await setPrice('tts-1', { charactersPer1M: '15' });
    await setPrice('omni-moderation-latest', { inputPer1M: '0.1', perRequest: '0.0001' });
    await setPrice('bge-reranker', { inputPer1M: '0.02' });
    const seeded = await seedTenantWithToken(api, admin);
    await fund(api, seeded.tenantId, '20');
    client = sdk(api, seeded.key, { timeout: 120_000 });
  });

  afterAll(() => relay?.close());

  beforeEach(() => mock.reset());

  it('generates images and bills them per image at the size and quality asked', async () => {
    const { data, response } = await client.images
      .generate({ model: 'dall-e-3', prompt: 'a lighthouse', n: 2, size: '1024x1024', quality: 'hd' })
      .withResponse();
    expect(data.data).toHaveLength(2);
    expect(response.headers.get('x-routed-via')).toBe('media/dall-e-3');
    expect(mock.requests[0]?.path).toBe('/v1/images/generations');
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({ billedUnit: 'images', billedQuantity: 2, costUsd: '0.16', status: 200 });

    // No price for the size: perImage applies.
    const plain = await client.images
      .generate({ model: 'dall-e-3', prompt: 'a boat', size: '1792x1024' })
      .withResponse();
    const second = await usageRecord(api, admin, plain.response.headers.get('x-request-id') as string);
    expect(second).toMatchObject({ billedUnit: 'images', billedQuantity: 1, costUsd: '0.04' });
  });

  it('bills and holds an image of no size, or `auto`, at the default size 1024x1024, never free', async () => {
    for (const size of [undefined, 'auto'] as const) {
      const { response } = await client.images
        .generate({ model: 'dall-e-sized', prompt: 'a kite', n: 2, ...(size && { size }) })
        .withResponse();
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      expect(record).toMatchObject({ billedUnit: 'images', billedQuantity: 2, costUsd: '0.08' });
    }
    // dall-e-3 asked for `hd` alone makes a 1024x1024 HD image: its 1024x1024/hd price.
    const hd = await client.images
      .generate({ model: 'dall-e-3', prompt: 'a kite', quality: 'hd' })
      .withResponse();
    const hdRecord = await usageRecord(api, admin, hd.response.headers.get('x-request-id') as string);
    expect(hdRecord).toMatchObject({ billedUnit: 'images', billedQuantity: 1, costUsd: '0.08' });

    // The hold is the same price: $0.05 does not pay for two images of no size.
    const poor = await seedTenantWithToken(api, admin);
    await fund(api, poor.tenantId, '0.05');
    mock.reset();
    const refused = await sdkError(
      sdk(api, poor.key).images.generate({ model: 'dall-e-sized', prompt: 'a kite', n: 2 }),
    );
    expect(refused.status).toBe(402);
    expect(refused.message).toContain('$0.08');
    expect(mock.requests).toHaveLength(0);
  });

  it('bills gpt-image-1 by the tokens it reports, streamed or not', async () => {
    const { data, response } = await client.images
      .generate({ model: 'gpt-image-1', prompt: 'a red square' })
      .withResponse();
    const usage = data.usage as { input_tokens: number; output_tokens: number };
    expect(usage.output_tokens).toBeGreaterThan(0);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    const cost = (usage.input_tokens * 5 + usage.output_tokens * 40) / 1e6;
    expect(record).toMatchObject({
      billedUnit: 'tokens',
      billedQuantity: usage.input_tokens + usage.output_tokens,
      promptTokens: usage.input_tokens,
      completionTokens: usage.output_tokens,
    });
    expect(Number(record.costUsd)).toBeCloseTo(cost, 9);

    const streamed = await client.images
      .generate({ model: 'gpt-image-1', prompt: 'a red square', n: 2, stream: true })
      .withResponse();
    const events: string[] = [];
    for await (const event of streamed.data) events.push(event.type);
    expect(events).toEqual(['image_generation.completed', 'image_generation.completed']);
    const streamedRecord = await usageRecord(
      api,
      admin,
      streamed.response.headers.get('x-request-id') as string,
    );
    expect(streamedRecord).toMatchObject({ billedUnit: 'tokens', stream: true, status: 200 });
    expect(streamedRecord.completionTokens).toBe(2 * usage.output_tokens);
  });

  it('relays an image edit upload byte for byte', async () => {
    const png = Buffer.from(PNG_BASE64, 'base64');
    const { data, response } = await client.images
      .edit({
        model: 'dall-e-3',
        image: await toFile(png, 'in.png', { type: 'image/png' }),
        prompt: 'make it blue',
      })
      .withResponse();
    expect(data.data?.[0]).toBeDefined();
    const sent = mock.requests[0]?.body as Record<string, unknown>;
    expect(sent['image']).toMatchObject({ filename: 'in.png', size: png.length, sha256: sha256(png) });
    expect(sent['prompt']).toBe('make it blue');
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({
      endpoint: 'images.edits',
      billedUnit: 'images',
      billedQuantity: 1,
      costUsd: '0.04',
    });
  });

  it('transcribes an upload and bills the seconds the upstream reports', async () => {
    const audio = wav(32_000 * 7 + 16_000); // 7.5 s → billed as 8 started seconds
    const { data, response } = await client.audio.transcriptions
      .create({ file: await toFile(audio, 'speech.wav'), model: 'whisper-1' })
      .withResponse();
    expect(data.text).toContain('quick brown fox');
    expect((mock.requests[0]?.body as Record<string, unknown>)['file']).toMatchObject({
      size: audio.length,
      sha256: sha256(audio),
    });
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({
      endpoint: 'audio.transcriptions',
      billedUnit: 'audio_seconds',
      billedQuantity: 8,
      costUsd: '0.0008',
    });

    // verbose_json's duration; an SRT transcript's last cue.
    const verbose = await client.audio.transcriptions
      .create({
        file: await toFile(audio, 'speech.wav'),
        model: 'whisper-1',
        response_format: 'verbose_json',
      })
      .withResponse();
    expect(verbose.data.duration).toBe(7.5);
    const srt = await client.audio.translations
      .create({ file: await toFile(audio, 'speech.wav'), model: 'whisper-1', response_format: 'srt' })
      .withResponse();
    expect(srt.data).toContain('-->');
    for (const done of [verbose, srt]) {
      const row = await usageRecord(api, admin, done.response.headers.get('x-request-id') as string);
      expect(row).toMatchObject({ billedUnit: 'audio_seconds', billedQuantity: 8, costUsd: '0.0008' });
    }
  });

  it('passes known speakers on: their reference samples are data URLs of up to 10 s of audio', async () => {
    // Two 10 s references as 16 kHz WAV data URLs (427 kB each): text fields, kept whole.
    const reference = `data:audio/wav;base64,${wav(32_000 * 10).toString('base64')}`;
    const { data } = await client.audio.transcriptions
      .create({
        file: await toFile(wav(32_000 * 3), 'call.wav'),
        model: 'gpt-4o-transcribe',
        chunking_strategy: 'auto',
        known_speaker_names: ['agent', 'customer'],
        known_speaker_references: [reference, reference],
      })
      .withResponse();
    expect(data.text).toContain('fox');
    const sent = mock.requests[0]?.body as Record<string, unknown>;
    expect(sent['known_speaker_references[]']).toEqual([reference, reference]);
    expect(sent['known_speaker_names[]']).toEqual(['agent', 'customer']);
    // Text fields are held in memory: 4 MiB of them at most, together.
    const tooMany = await sdkError(
      client.audio.transcriptions.create({
        file: await toFile(wav(32_000), 'call.wav'),
        model: 'gpt-4o-transcribe',
        known_speaker_names: Array.from({ length: 10 }, (_, i) => `speaker ${i}`),
        known_speaker_references: Array.from({ length: 10 }, () => reference),
      }),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.error).toMatchObject({ param: 'known_speaker_references[]' });
    expect(mock.requests).toHaveLength(1);
  });

  it('passes a file name on as the client wrote it, in UTF-8', async () => {
    // The openai SDK (undici's FormData) and browsers send a file name's UTF-8 bytes as they are.
    await client.audio.transcriptions.create({
      file: await toFile(wav(3200), 'réunion 会议.wav'),
      model: 'whisper-1',
    });
    expect((mock.requests[0]?.body as Record<string, unknown>)['file']).toMatchObject({
      filename: 'réunion 会议.wav',
    });
  });

  it('holds a WAV upload for its exact duration and any other upload for the bound from its size', async () => {
    // $0.001 covers 10 s at $0.0001/s: a 7.5 s WAV (held as 8 s), not the 481 s its 240 kB bound to.
    const poor = await seedTenantWithToken(api, admin);
    await fund(api, poor.tenantId, '0.001');
    const poorClient = sdk(api, poor.key);
    const audio = wav(32_000 * 7 + 16_000);
    const heard = await poorClient.audio.transcriptions.create({
      file: await toFile(audio, 'a.wav'),
      model: 'whisper-1',
    });
    expect(heard.text).toContain('fox');
    const opaque = Buffer.from(audio);
    opaque.write('ID3\u0004', 0, 'latin1');
    const refused = await sdkError(
      poorClient.audio.transcriptions.create({ file: await toFile(opaque, 'a.mp3'), model: 'whisper-1' }),
    );
    expect(refused.status).toBe(402);
    expect(refused.message).toContain('$0.0481');
  });

  it('holds low-bit-rate speech for its whole length, so every second heard is charged', async () => {
    // 60 s of 13 kbit/s GSM: the hold's bound from its 97,544 bytes (196 s) covers the 60 s heard.
    const { response } = await client.audio.transcriptions
      .create({ file: await toFile(gsmWav(60), 'call.wav'), model: 'whisper-1' })
      .withResponse();
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({
      billedUnit: 'audio_seconds',
      billedQuantity: 60,
      costUsd: '0.006',
      writtenOffUsd: '0',
    });
  });

  it('streams a gpt-4o-transcribe transcription and bills its tokens', async () => {
    const audio = wav(32_000 * 3);
    const { data, response } = await client.audio.transcriptions
      .create({ file: await toFile(audio, 'a.wav'), model: 'gpt-4o-transcribe', stream: true })
      .withResponse();
    const types: string[] = [];
    let usage: { input_tokens: number; output_tokens: number } | undefined;
    for await (const event of data) {
      types.push(event.type);
      if (event.type === 'transcript.text.done') usage = event.usage as typeof usage;
    }
    expect(types.at(-1)).toBe('transcript.text.done');
    expect(usage?.input_tokens).toBe(30);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({
      billedUnit: 'tokens',
      promptTokens: 30,
      completionTokens: usage?.output_tokens,
    });
    expect(Number(record.costUsd)).toBeCloseTo((30 * 6 + (usage?.output_tokens ?? 0) * 10) / 1e6, 9);
  });

  it('bills a token-priced transcription that reports no usage at the held audio and the transcript counted', async () => {
    // gpt-4o-transcribe's `text` answer carries no usage, nor do a JSON answer or a stream of a
    // server that reports none: the audio is billed at the bound held (a 3 s WAV), the transcript
    // as counted. The record's tokens stay what was reported: none.
    const audio = wav(32_000 * 3);
    const heard = 3 * AUDIO_TOKENS_PER_SECOND;
    const expectBilled = async (requestId: string | null, transcript: string) => {
      const written = countTextTokens(transcript);
      const record = await usageRecord(api, admin, requestId as string);
      expect(record).toMatchObject({
        billedUnit: 'tokens',
        billedQuantity: heard + written,
        usageSource: 'counted',
        promptTokens: 0,
        completionTokens: 0,
      });
      expect(record.costUsd).toBe(((heard * 6 + written * 10) / 1e6).toString());
    };
    const text = await client.audio.transcriptions
      .create({ file: await toFile(audio, 'a.wav'), model: 'gpt-4o-transcribe', response_format: 'text' })
      .withResponse();
    expect(text.data).toContain('fox');
    await expectBilled(text.response.headers.get('x-request-id'), text.data);

    const json = await client.audio.transcriptions
      .create({ file: await toFile(audio, 'a.wav'), model: 'gpt-4o-transcribe-quiet' })
      .withResponse();
    await expectBilled(json.response.headers.get('x-request-id'), json.data.text);

    const streamed = await client.audio.transcriptions
      .create({ file: await toFile(audio, 'a.wav'), model: 'gpt-4o-transcribe-quiet', stream: true })
      .withResponse();
    let transcript = '';
    for await (const event of streamed.data)
      if (event.type === 'transcript.text.done') transcript = event.text;
    await expectBilled(streamed.response.headers.get('x-request-id'), transcript);
  });

  it('streams speech audio back as the upstream makes it and bills its characters', async () => {
    const input = 'Hello from the gateway! 👋 '.repeat(40);
    const characters = [...input].length;
    const response = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input });
    expect(response.headers.get('content-type')).toBe('audio/mpeg');
    expect(response.headers.get('x-routed-via')).toBe('media/tts-1');
    const audio = Buffer.from(await response.arrayBuffer());
    expect(audio.length).toBe(characters * SPEECH_BYTES_PER_CHARACTER);
    expect(audio.every((byte, index) => byte === (index * 31 + 7) % 256)).toBe(true);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    // 1,080 characters at $15 per 1M: $0.0162.
    expect(record).toMatchObject({ billedUnit: 'characters', billedQuantity: characters });
    expect(record.costUsd).toBe(((characters * 15) / 1e6).toString());
  });

  it('speaks with a custom voice, named as the SDK sends it: {id}', async () => {
    const response = await client.audio.speech.create({
      model: 'tts-1',
      input: 'hello',
      voice: { id: 'voice_1234' },
    });
    expect(Buffer.from(await response.arrayBuffer()).length).toBe(5 * SPEECH_BYTES_PER_CHARACTER);
    expect((mock.requests[0]?.body as Record<string, unknown>)['voice']).toEqual({ id: 'voice_1234' });
    for (const voice of [{}, { id: '' }, { id: 5 }, 7]) {
      const refused = await sdkError(
        client.audio.speech.create({ model: 'tts-1', input: 'hello', voice: voice as never }),
      );
      expect(refused.status).toBe(400);
      expect((refused.error as { param?: string }).param).toMatch(/^voice/);
    }
    expect(mock.requests).toHaveLength(1);
  });

  it('takes speech input of up to 4,096 characters counted as it bills them, in code points', async () => {
    // 3,000 emoji are 6,000 UTF-16 units but 3,000 characters, as OpenAI counts the limit.
    const input = '👋'.repeat(3000);
    const response = await client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input });
    expect(Buffer.from(await response.arrayBuffer()).length).toBe(3000 * SPEECH_BYTES_PER_CHARACTER);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({ billedUnit: 'characters', billedQuantity: 3000 });
    const tooLong = await sdkError(
      client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: '👋'.repeat(4097) }),
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.error).toMatchObject({ param: 'input', message: expect.stringContaining('4096') });
  });

  it('passes speech as server-sent events on when asked, billed in characters', async () => {
    const response = await client.audio.speech.create({
      model: 'tts-1',
      voice: 'alloy',
      input: 'Hello',
      stream_format: 'sse',
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text).toContain('"type":"speech.audio.delta"');
    expect(text).toContain('"type":"speech.audio.done"');
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({ stream: true, billedUnit: 'characters', billedQuantity: 5 });
    expect(record.costUsd).toBe('0.000075');
  });

  it('passes speech on with backpressure, and stops the upstream when the client goes away', async () => {
    const response = await client.audio.speech.create({
      model: 'tts-endless',
      voice: 'alloy',
      input: 'long',
    });
    const requestId = response.headers.get('x-request-id') as string;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).value?.length).toBeGreaterThan(0);
    // The client reads no more: socket buffers fill, and the gateway stops reading the upstream,
    // which stops making audio. Far less than the 312 MiB is ever made.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const made = mock.requests[0]?.chunksSent ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mock.requests[0]?.chunksSent).toBe(made);
    console.log(
      `speech with a stalled client: the mock made ${made} of 20000 chunks (${((made * 16) / 1024).toFixed(1)} MiB)`,
    );
    expect(made * 16 * 1024).toBeLessThan(64 * 1024 * 1024);
    await reader.cancel();
    await waitFor(
      'the upstream request to be aborted',
      async () => (mock.requests[0]?.aborted ? true : undefined),
      10_000,
    );
    const record = await usageRecord(api, admin, requestId);
    expect(record).toMatchObject({
      status: 499,
      errorCode: 'client_closed_request',
      billedUnit: 'characters',
      billedQuantity: 4,
    });
  });

  it('moderates with the default model and bills the counted tokens plus the request fee', async () => {
    const { data, response } = await client.moderations
      .create({ input: ['I will kill the process', 'hello'] })
      .withResponse();
    expect(data.results.map((r) => r.flagged)).toEqual([true, false]);
    expect(data.model).toBe('omni-moderation-latest');
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    const tokens = countTextTokens('I will kill the process') + countTextTokens('hello');
    expect(record).toMatchObject({ billedUnit: 'tokens', billedQuantity: tokens, usageSource: 'counted' });
    expect(Number(record.costUsd)).toBeCloseTo((tokens * 0.1) / 1e6 + 0.0001, 9);
  });

  it('reranks documents in the vLLM shape and bills the tokens the server reports', async () => {
    const { data, response } = await client
      .post<{ results: { index: number; relevance_score: number }[]; usage: { total_tokens: number } }>(
        '/rerank',
        {
          body: {
            model: 'bge-reranker',
            query: 'red apple',
            documents: ['a green pear', 'a red apple', 'the sky'],
            top_n: 2,
          },
        },
      )
      .withResponse();
    expect(data.results[0]?.index).toBe(1);
    expect(data.results).toHaveLength(2);
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({
      endpoint: 'rerank',
      billedUnit: 'tokens',
      promptTokens: data.usage.total_tokens,
    });
    expect(Number(record.costUsd)).toBeCloseTo((data.usage.total_tokens * 0.02) / 1e6, 12);
  });

  it('fails over before the first byte, sending an upload again from disk', async () => {
    const audio = wav(32_000 * 2);
    const { data, response } = await client.audio.transcriptions
      .create({ file: await toFile(audio, 'again.wav'), model: 'whisper-2' })
      .withResponse();
    expect(data.text).toContain('fox');
    expect(response.headers.get('x-routed-via')).toBe('spare/whisper-2');
    expect(response.headers.get('x-fallback-attempts')).toBe('1');
    const bodies = mock.requests.map((r) => (r.body as Record<string, unknown>)['file']);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toMatchObject({ sha256: sha256(audio) });
    expect(bodies[1]).toMatchObject({ sha256: sha256(audio) });

    const image = await client.images.generate({ model: 'dall-e-2', prompt: 'x' }).withResponse();
    expect(image.response.headers.get('x-routed-via')).toBe('spare/dall-e-2');
    const record = await usageRecord(api, admin, image.response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({ billedUnit: 'images', costUsd: '0.02' });
    expect(record.fallbacks).toEqual([expect.objectContaining({ channelName: 'broken', status: 503 })]);
  });

  it('bills a model chain at the price of the model that served it, as chat is', async () => {
    // `broken` fails dall-e-2 with a 503, so `spare` serves it: at dall-e-2's price, not the
    // chain's (a chain has none of its own).
    await request(api.url)
      .post('/api/model-chains')
      .set('authorization', `Bearer ${admin}`)
      .send({ name: 'pictures', models: ['dall-e-2', 'dall-e-3'] })
      .expect(201);
    const { data, response } = await client.images
      .generate({ model: 'pictures', prompt: 'a lighthouse', n: 2 })
      .withResponse();
    expect(data.data).toHaveLength(2);
    expect(response.headers.get('x-routed-via')).toBe('spare/dall-e-2');
    const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
    expect(record).toMatchObject({
      model: 'pictures',
      servedModel: 'dall-e-2',
      billedUnit: 'images',
      billedQuantity: 2,
      costUsd: '0.04',
    });
  });

  it('fails over a stream that begins with an error event, and bills a faltering one for what it made', async () => {
    const read = async (model: string) => {
      const { data, response } = await client.images
        .generate({ model, prompt: 'x', n: 3, stream: true })
        .withResponse();
      const types: string[] = [];
      let error: string | null = null;
      try {
        for await (const event of data) types.push(event.type);
      } catch (thrown) {
        error = (thrown as Error).message;
      }
      const record = await usageRecord(api, admin, response.headers.get('x-request-id') as string);
      return { types, error, response, record };
    };
    // Nothing reached the client before `refusing`'s error: `spare` answers, 3 images billed.
    const served = await read('dall-e-streamed');
    expect(served.types).toEqual(Array(3).fill('image_generation.completed'));
    expect(served.response.headers.get('x-routed-via')).toBe('spare/dall-e-streamed');
    expect(served.record).toMatchObject({ status: 200, billedQuantity: 3, costUsd: '0.06' });
    expect(served.record.fallbacks).toEqual([expect.objectContaining({ channelName: 'refusing' })]);

    // No other channel: a 502 naming the upstream's error, nothing billed.
    const refused = await sdkError(
      client.images.generate({ model: 'dall-e-refused', prompt: 'x', n: 3, stream: true }),
    );
    expect(refused.status).toBe(502);
    expect(refused.message).toContain('simulated mid-stream error');

    // An error after the first image: that image is billed, and the record says the stream failed.
    const faltering = await read('dall-e-faltering');
    expect(faltering.types).toEqual(['image_generation.completed']);
    expect(faltering.error).toContain('simulated mid-stream error');
    expect(faltering.record).toMatchObject({
      status: 502,
      errorCode: 'upstream_error',
      billedQuantity: 1,
      costUsd: '0.02',
    });
  });

  it('refuses bad input with a 400 naming the field, before any upstream call', async () => {
    const noPrompt = await sdkError(client.images.generate({ model: 'dall-e-3' } as never));
    expect(noPrompt.status).toBe(400);
    expect((noPrompt.error as { param?: string }).param).toBe('prompt');
    const tooMany = await sdkError(client.images.generate({ model: 'dall-e-3', prompt: 'x', n: 11 }));
    expect((tooMany.error as { param?: string }).param).toBe('n');
    const noVoice = await sdkError(client.audio.speech.create({ model: 'tts-1', input: 'hi' } as never));
    expect((noVoice.error as { param?: string }).param).toBe('voice');
    const noModel = await sdkError(
      client.audio.transcriptions.create({ file: await toFile(wav(10), 'a.wav') } as never),
    );
    expect((noModel.error as { param?: string }).param).toBe('model');
    const notAFile = await request(api.url)
      .post('/v1/audio/transcriptions')
      .set('authorization', `Bearer ${client.apiKey}`)
      .send({ model: 'whisper-1' })
      .expect(400);
    expect((notAFile.body as { error: { message: string } }).error.message).toContain('multipart/form-data');
    // A form field's number is a number or refused: not `''` taken as 0, nor 'warm' called a decimal.
    for (const temperature of ['', ' ', 'warm', '0x1']) {
      const refused = await request(api.url)
        .post('/v1/audio/transcriptions')
        .set('authorization', `Bearer ${client.apiKey}`)
        .field('model', 'whisper-1')
        .field('temperature', temperature)
        .attach('file', wav(3200), 'a.wav')
        .expect(400);
      expect(refused.body).toMatchObject({
        error: { param: 'temperature', message: expect.stringContaining('got a string') },
      });
    }
    // An empty image or mask is refused as an empty audio file is, naming the field.
    const png = Buffer.from(PNG_BASE64, 'base64');
    const emptyImage = await sdkError(
      client.images.edit({
        model: 'gpt-image-1',
        prompt: 'x',
        image: await toFile(Buffer.alloc(0), 'a.png'),
      }),
    );
    expect(emptyImage.status).toBe(400);
    expect(emptyImage.error).toMatchObject({ param: 'image', message: expect.stringContaining('empty') });
    const emptyMask = await sdkError(
      client.images.edit({
        model: 'gpt-image-1',
        prompt: 'x',
        image: [await toFile(png, 'a.png'), await toFile(png, 'b.png')],
        mask: await toFile(Buffer.alloc(0), 'm.png'),
      }),
    );
    expect(emptyMask.error).toMatchObject({ param: 'mask' });
    expect(mock.requests).toHaveLength(0);
  });

  it('refuses an upload over the route limit with a 413 naming the file', async () => {
    const tooBig = Buffer.alloc(25 * 1024 * 1024 + 1);
    const refused = await request(api.url)
      .post('/v1/audio/transcriptions')
      .set('authorization', `Bearer ${client.apiKey}`)
      .field('model', 'whisper-1')
      .attach('file', tooBig, 'big.wav')
      .ok(() => true);
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ error: { code: 'request_too_large', param: 'file' } });
    // Declared far over the limit (curl -F sends Content-Length), refused before it is read: the
    // 413 still names the route's own file field.
    const image = await request(api.url)
      .post('/v1/images/edits')
      .set('authorization', `Bearer ${client.apiKey}`)
      .field('model', 'gpt-image-1')
      .field('prompt', 'x')
      .attach('image', Buffer.alloc(66 * 1024 * 1024), 'big.png')
      .ok(() => true);
    expect(image.status).toBe(413);
    expect(image.body).toMatchObject({ error: { code: 'request_too_large', param: 'image' } });
    expect(mock.requests).toHaveLength(0);
  });

  it('uploads 25 MB for transcription with flat memory and bills its duration', async () => {
    // The SDK runs in a child process, so this process's memory is the gateway's and the mock's
    // only: buffering the upload whole in either would add at least 25 MB.
    const size = 25_000_000;
    const gc = collector();
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const live = () => {
      const memory = process.memoryUsage();
      return memory.heapUsed + memory.external;
    };
    // What is still referenced: two full collections, each given a moment to hand freed buffers back.
    const settled = async () => {
      gc();
      await pause(10);
      gc();
      await pause(10);
      return live();
    };
    const before = { rss: process.memoryUsage().rss, live: await settled() };
    const peak = { ...before };
    let done = false;
    const upload = uploadFromChild(api.url, client.apiKey as string, size).finally(() => {
      done = true;
    });
    // RSS as it is (garbage included) every 10 ms; live memory every 150 ms (collections are slow).
    const rssSampler = setInterval(() => {
      peak.rss = Math.max(peak.rss, process.memoryUsage().rss);
    }, 10);
    try {
      while (!done) {
        peak.live = Math.max(peak.live, await settled());
        await pause(150);
      }
    } finally {
      clearInterval(rssSampler);
    }
    const answer = await upload;
    const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
    console.log(
      `25 MB transcription upload: live memory (heap + buffers after GC) grew by ${mb(peak.live - before.live)} MB at peak, RSS by ${mb(peak.rss - before.rss)} MB`,
    );
    // Half the upload: a body held whole grows live memory by its 25 MB (measured 26.8 MB with
    // buffering forced in); spooled, it stays a few MB, up to ~10 MB on a loaded CI machine where
    // the previous tests' streams are still being collected.
    expect(peak.live - before.live).toBeLessThan(12.5 * 1024 * 1024);
    expect(answer.text).toContain('fox');
    expect((mock.requests[0]?.body as Record<string, unknown>)['file']).toMatchObject({ size });
    const seconds = Math.ceil((size - 44) / 32_000);
    const record = await usageRecord(api, admin, answer.requestId);
    expect(record).toMatchObject({ billedUnit: 'audio_seconds', billedQuantity: seconds });
    expect(record.costUsd).toBe((seconds / 10_000).toString());
  });
});

// POST /v1/audio/transcriptions, /translations and /speech in OpenAI's shape. The upload's duration
// is read from a WAV header when there is one, else taken as 16 kB a second (128 kbit/s MP3).
// Whisper answers report `usage: {type: "duration", seconds}` (json) or `duration` (verbose_json);
// gpt-4o-transcribe models report tokens. Speech answers audio bytes, streamed.
import { HttpError } from '../http-error';
import type { Endpoint, EndpointInput, MockResponse } from '../mock-response';
import { usageOf } from '../mock-response';
import { invalidField, isJsonObject, requireString } from '../request-fields';
import { countTokens } from '../token-count';
import { BINARY_CHUNK_BYTES } from './binary-delivery';
import { isFormFile, type FormFile } from './multipart-form';
import { MEDIA_STREAM } from './media-stream';

/** What the mock "hears" in every upload. */
export const MOCK_TRANSCRIPT = 'The quick brown fox jumps over the lazy dog.';
/** Bytes a second of non-WAV audio (128 kbit/s). */
export const MOCK_AUDIO_BYTES_PER_SECOND = 16_000;
/** Audio tokens per second for token-billed transcription models. */
export const AUDIO_TOKENS_PER_SECOND = 10;
/** Bytes of speech audio per input character. */
export const SPEECH_BYTES_PER_CHARACTER = 160;

const SPEECH_TYPES: Readonly<Record<string, string>> = {
  mp3: 'audio/mpeg',
  opus: 'audio/opus',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

/** The upload's length in seconds (3 decimals). */
export function audioSeconds(file: FormFile): number {
  const head = Buffer.from(file.head, 'base64');
  if (
    head.length >= 44 &&
    head.toString('latin1', 0, 4) === 'RIFF' &&
    head.toString('latin1', 8, 12) === 'WAVE'
  ) {
    const byteRate = head.readUInt32LE(28);
    if (byteRate > 0) return Math.round(((file.size - 44) / byteRate) * 1000) / 1000;
  }
  return Math.round((file.size / MOCK_AUDIO_BYTES_PER_SECOND) * 1000) / 1000;
}

export const transcriptions: Endpoint = (input) => transcribe(input, 'transcribe');
export const translations: Endpoint = (input) => transcribe(input, 'translate');

function transcribe(input: EndpointInput, task: 'transcribe' | 'translate'): MockResponse {
  const { body } = input;
  const model = requireString(body, 'model');
  const file = body['file'];
  if (!isFormFile(file)) throw invalidField('file', 'an audio file');
  if (file.size === 0) throw HttpError.invalidRequest('Audio file is empty.', 'file');
  const seconds = audioSeconds(file);
  const format = typeof body['response_format'] === 'string' ? body['response_format'] : 'json';
  const tokenBilled = model.includes('4o');
  const text = MOCK_TRANSCRIPT;
  const outputTokens = countTokens(text);
  const audioTokens = Math.ceil(seconds * AUDIO_TOKENS_PER_SECOND);
  const usage = usageOf(tokenBilled ? audioTokens : 0, tokenBilled ? outputTokens : 0);
  const wireUsage = !input.behaviour.usage
    ? undefined
    : tokenBilled
      ? {
          type: 'tokens',
          input_tokens: audioTokens,
          input_token_details: { text_tokens: 0, audio_tokens: audioTokens },
          output_tokens: outputTokens,
          total_tokens: audioTokens + outputTokens,
        }
      : { type: 'duration', seconds: Math.ceil(seconds) };
  if (body['stream'] === 'true') {
    const words = text.split(' ');
    const steps = [
      ...words.map((word, index) => [
        { type: 'transcript.text.delta', delta: index === 0 ? word : ` ${word}` },
      ]),
      [{ type: 'transcript.text.done', text, ...(wireUsage ? { usage: wireUsage } : {}) }],
    ];
    return { kind: 'stream', steps, usage, framing: MEDIA_STREAM };
  }
  switch (format) {
    case 'text':
      return { kind: 'text', contentType: 'text/plain; charset=utf-8', text: `${text}\n`, usage };
    case 'srt':
      return {
        kind: 'text',
        contentType: 'text/plain; charset=utf-8',
        text: `1\n00:00:00,000 --> ${clock(seconds, ',')}\n${text}\n\n`,
        usage,
      };
    case 'vtt':
      return {
        kind: 'text',
        contentType: 'text/plain; charset=utf-8',
        text: `WEBVTT\n\n00:00:00.000 --> ${clock(seconds, '.')}\n${text}\n\n`,
        usage,
      };
    case 'verbose_json':
      return {
        kind: 'json',
        body: {
          task,
          language: task === 'translate' ? 'english' : 'english',
          duration: seconds,
          text,
          segments: [
            {
              id: 0,
              seek: 0,
              start: 0,
              end: seconds,
              text,
              tokens: [],
              temperature: 0,
              avg_logprob: -0.2,
              compression_ratio: 1,
              no_speech_prob: 0,
            },
          ],
          ...(wireUsage ? { usage: wireUsage } : {}),
        },
        usage,
      };
    case 'json':
      return { kind: 'json', body: { text, ...(wireUsage ? { usage: wireUsage } : {}) }, usage };
    default:
      throw invalidField('response_format', "one of 'json', 'text', 'srt', 'verbose_json', 'vtt'");
  }
}

/** `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (WebVTT). */
function clock(seconds: number, separator: string): string {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}

/**
 * POST /v1/audio/speech: `SPEECH_BYTES_PER_CHARACTER` bytes of audio per input character (or `chunks`
 * chunks of 16 KiB), or SSE deltas with `stream_format: "sse"`.
 */
export const speech: Endpoint = (input) => {
  const { body } = input;
  requireString(body, 'model');
  const text = requireString(body, 'input');
  // A built-in voice's name, or a custom voice as {id}.
  const voice = body['voice'];
  if (!(isJsonObject(voice) && typeof voice['id'] === 'string')) requireString(body, 'voice');
  // Characters as OpenAI counts them: code points (an emoji is one).
  const characters = [...text].length;
  if (characters > 4096) throw HttpError.invalidRequest('Input is longer than 4096 characters.', 'input');
  const format = typeof body['response_format'] === 'string' ? body['response_format'] : 'mp3';
  const contentType = SPEECH_TYPES[format];
  if (contentType === undefined)
    throw invalidField('response_format', "one of 'mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'");
  // `chunks=N` asks for N chunks of audio instead (backpressure tests: made only as they are read).
  const size =
    input.behaviour.chunks === undefined
      ? characters * SPEECH_BYTES_PER_CHARACTER
      : input.behaviour.chunks * BINARY_CHUNK_BYTES;
  if (body['stream_format'] === 'sse') {
    const chunk = Buffer.alloc(Math.min(size, 4096), 7).toString('base64');
    return {
      kind: 'stream',
      steps: [
        [{ type: 'speech.audio.delta', audio: chunk }],
        [
          {
            type: 'speech.audio.done',
            usage: { input_tokens: countTokens(text), output_tokens: 0, total_tokens: countTokens(text) },
          },
        ],
      ],
      usage: usageOf(countTokens(text), 0),
      framing: MEDIA_STREAM,
    };
  }
  return { kind: 'binary', contentType, size, byte: (index) => (index * 31 + 7) % 256 };
};

// The requests of the media routes, validated field by field (a 400 names the field). JSON routes
// keep the client's body as it came, unknown fields included; multipart routes keep their text
// fields in order. Each parse also says what the request may use at most, for the hold.
import { isJsonObject, type JsonObject } from '../json/json-object';
import { MAX_MODEL_NAME_LENGTH } from '../openai/request';
import {
  childPath,
  invalidType,
  isAbsent,
  missing,
  requireArray,
  requireBoolean,
  requireInteger,
  requireOneOf,
  requireString,
} from '../validation/field-checks';
import { RequestValidationError } from '../validation/request-validation-error';
import type { MediaEndpoint } from './media-endpoint';
import { wavSeconds } from './wav-duration';

/** OpenAI's limits. */
export const MAX_IMAGES = 10;
export const MAX_SPEECH_CHARACTERS = 4096;
const MAX_PROMPT_CHARACTERS = 32_000;
const MAX_RERANK_DOCUMENTS = 1000;
const MAX_MODERATION_INPUTS = 2048;
export const DEFAULT_MODERATION_MODEL = 'omni-moderation-latest';

/** What a request may use at most, as its route measures use. */
export type MediaWorstCase =
  | { kind: 'images'; count: number; size: string | null; quality: string | null }
  /** An upload: its duration when cheap to read exactly (PCM WAV), else bounded from its size. */
  | { kind: 'audio'; bytes: number; seconds: number | null }
  | { kind: 'speech'; characters: number }
  /** Text the gateway counts tokens of (moderations, rerank). */
  | { kind: 'text'; texts: string[] };

interface MediaRequestBase {
  endpoint: MediaEndpoint;
  model: string;
  /** Whether the client asked for an event stream (images and transcriptions with `stream: true`, speech with `stream_format: "sse"`). */
  stream: boolean;
  worst: MediaWorstCase;
}

export interface JsonMediaRequest extends MediaRequestBase {
  kind: 'json';
  /** The client's body, unchanged. */
  body: JsonObject;
}

/** A file part of an upload, as the relay stored it. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  /** The file's first bytes (up to 44), for reading a WAV header. */
  head?: Uint8Array;
}

export interface MultipartMediaRequest extends MediaRequestBase {
  kind: 'multipart';
  /** The text fields, in the order they came (repeated names kept: `timestamp_granularities[]`). */
  fields: readonly (readonly [string, string])[];
  files: readonly UploadedFile[];
}

export type MediaRequest = JsonMediaRequest | MultipartMediaRequest;

const SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
const IMAGE_RESPONSE_FORMATS = ['url', 'b64_json'] as const;
const TRANSCRIPTION_FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt', 'diarized_json'] as const;
const SIZE = /^(\d{1,5}x\d{1,5}|auto)$/;

export function parseJsonMediaRequest(endpoint: MediaEndpoint, value: unknown): JsonMediaRequest {
  if (!isJsonObject(value)) throw new RequestValidationError(null, 'The request body must be a JSON object.');
  const body = value;
  switch (endpoint) {
    case 'images.generations': {
      const model = requireModel(body['model']);
      requireString(body['prompt'], 'prompt', { nonEmpty: true, maxLength: MAX_PROMPT_CHARACTERS });
      const images = imageOptions((field) => body[field], 'json');
      return { kind: 'json', endpoint, model, stream: images.stream, body, worst: images.worst };
    }
    case 'audio.speech': {
      const model = requireModel(body['model']);
      // The limit counts characters as OpenAI does, and as speech is billed: in code points.
      const input = requireString(body['input'], 'input', { nonEmpty: true });
      const characters = characterCount(input);
      if (characters > MAX_SPEECH_CHARACTERS) {
        throw new RequestValidationError(
          'input',
          `Invalid 'input': string too long. Expected at most ${MAX_SPEECH_CHARACTERS} characters, but got ${characters} instead.`,
        );
      }
      requireVoice(body['voice']);
      if (!isAbsent(body['response_format']))
        requireOneOf(body['response_format'], 'response_format', SPEECH_FORMATS);
      if (!isAbsent(body['speed'])) requireNumber(body['speed'], 'speed', 0.25, 4);
      if (!isAbsent(body['instructions']))
        requireString(body['instructions'], 'instructions', { maxLength: 4096 });
      const streamFormat = isAbsent(body['stream_format'])
        ? 'audio'
        : requireOneOf(body['stream_format'], 'stream_format', ['audio', 'sse'] as const);
      return {
        kind: 'json',
        endpoint,
        model,
        stream: streamFormat === 'sse',
        body,
        worst: { kind: 'speech', characters },
      };
    }
    case 'moderations': {
      const model = isAbsent(body['model']) ? DEFAULT_MODERATION_MODEL : requireModel(body['model']);
      return {
        kind: 'json',
        endpoint,
        model,
        stream: false,
        body,
        worst: { kind: 'text', texts: moderationTexts(body['input']) },
      };
    }
    case 'rerank': {
      const model = requireModel(body['model']);
      const query = requireString(body['query'], 'query', { nonEmpty: true });
      const documents = requireArray(body['documents'], 'documents', { nonEmpty: true });
      if (documents.length > MAX_RERANK_DOCUMENTS) {
        throw new RequestValidationError(
          'documents',
          `Invalid 'documents': at most ${MAX_RERANK_DOCUMENTS} documents.`,
        );
      }
      const texts = documents.map((document, index) => documentText(document, childPath('documents', index)));
      if (!isAbsent(body['top_n'])) requireInteger(body['top_n'], 'top_n', { min: 1 });
      if (!isAbsent(body['return_documents'])) requireBoolean(body['return_documents'], 'return_documents');
      return {
        kind: 'json',
        endpoint,
        model,
        stream: false,
        body,
        worst: { kind: 'text', texts: [query, ...texts] },
      };
    }
    default:
      throw new RequestValidationError(null, `${endpoint} takes a multipart/form-data upload, not JSON.`);
  }
}

/**
 * A multipart route's fields and files, as the relay read them off the upload (files are already
 * stored, their sizes known).
 */
export function parseMultipartMediaRequest(
  endpoint: MediaEndpoint,
  fields: readonly (readonly [string, string])[],
  files: readonly UploadedFile[],
): MultipartMediaRequest {
  const one = (name: string): string | undefined => {
    const found = fields.filter(([field]) => field === name);
    if (found.length > 1) throw new RequestValidationError(name, `Invalid '${name}': sent more than once.`);
    return found[0]?.[1];
  };
  const model = requireModel(one('model'));
  const base = { kind: 'multipart' as const, endpoint, model, fields, files };
  if (endpoint === 'images.edits') {
    requireString(one('prompt'), 'prompt', { nonEmpty: true, maxLength: MAX_PROMPT_CHARACTERS });
    const images = files.filter((file) => file.field === 'image' || file.field === 'image[]');
    if (images.length === 0) throw missing('image');
    if (images.length > 16) throw new RequestValidationError('image', "Invalid 'image': at most 16 images.");
    const masks = files.filter((file) => file.field === 'mask');
    if (masks.length > 1) throw new RequestValidationError('mask', "Invalid 'mask': at most one mask.");
    const other = files.find((file) => !['image', 'image[]', 'mask'].includes(file.field));
    if (other !== undefined)
      throw new RequestValidationError(
        other.field,
        `Invalid '${other.field}': not a file field of this route.`,
      );
    const empty = [...images, ...masks].find((file) => file.size === 0);
    if (empty !== undefined) {
      const field = empty.field === 'mask' ? 'mask' : 'image';
      throw new RequestValidationError(field, `Invalid '${field}': the file ${empty.filename} is empty.`);
    }
    const options = imageOptions((field) => formValue(one(field), field), 'form');
    return { ...base, stream: options.stream, worst: options.worst };
  }
  if (endpoint !== 'audio.transcriptions' && endpoint !== 'audio.translations') {
    throw new RequestValidationError(null, `${endpoint} takes a JSON body, not an upload.`);
  }
  const audio = files.filter((file) => file.field === 'file');
  if (audio.length === 0) throw missing('file');
  if (audio.length > 1) throw new RequestValidationError('file', "Invalid 'file': send one audio file.");
  const other = files.find((file) => file.field !== 'file');
  if (other !== undefined)
    throw new RequestValidationError(
      other.field,
      `Invalid '${other.field}': not a file field of this route.`,
    );
  if ((audio[0] as UploadedFile).size === 0)
    throw new RequestValidationError('file', "Invalid 'file': the file is empty.");
  const format = one('response_format');
  if (format !== undefined) requireOneOf(format, 'response_format', TRANSCRIPTION_FORMATS);
  const temperature = one('temperature');
  if (temperature !== undefined) requireNumber(formNumber(temperature), 'temperature', 0, 1);
  const stream = formBoolean(one('stream'), 'stream');
  if (stream && endpoint === 'audio.translations') {
    throw new RequestValidationError('stream', "Invalid 'stream': translations do not stream.");
  }
  const file = audio[0] as UploadedFile;
  const seconds = file.head === undefined ? null : wavSeconds(file.head, file.size);
  return { ...base, stream, worst: { kind: 'audio', bytes: file.size, seconds } };
}

/** The options images.generations and images.edits share: n, size, quality, response_format, stream. */
function imageOptions(
  read: (field: string) => unknown,
  from: 'json' | 'form',
): { stream: boolean; worst: MediaWorstCase } {
  const n = read('n');
  const count = isAbsent(n) ? 1 : requireInteger(n, 'n', { min: 1, max: MAX_IMAGES });
  const size = read('size');
  if (!isAbsent(size) && !SIZE.test(requireString(size, 'size'))) {
    throw new RequestValidationError(
      'size',
      "Invalid 'size': expected WIDTHxHEIGHT (e.g. '1024x1024') or 'auto'.",
    );
  }
  const quality = read('quality');
  if (!isAbsent(quality)) requireString(quality, 'quality', { nonEmpty: true, maxLength: 32 });
  const format = read('response_format');
  if (!isAbsent(format)) requireOneOf(format, 'response_format', IMAGE_RESPONSE_FORMATS);
  const stream = read('stream');
  const streaming =
    from === 'json' ? (isAbsent(stream) ? false : requireBoolean(stream, 'stream')) : stream === true;
  if (!isAbsent(read('partial_images')))
    requireInteger(read('partial_images'), 'partial_images', { min: 0, max: 3 });
  return {
    stream: streaming,
    worst: {
      kind: 'images',
      count,
      size: isAbsent(size) ? null : (size as string),
      quality: isAbsent(quality) ? null : (quality as string),
    },
  };
}

/** A form field as the JSON value it stands for (numbers and booleans arrive as text). */
function formValue(value: string | undefined, field: string): unknown {
  if (value === undefined) return undefined;
  if (['n', 'partial_images'].includes(field)) return /^-?\d+$/.test(value) ? Number(value) : value;
  if (field === 'stream') return formBoolean(value, field);
  return value;
}

/** A form field's number, or its text when it is not one (the 400 then says a string came). */
function formNumber(value: string): number | string {
  return /^-?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(value) ? Number(value) : value;
}

function formBoolean(value: string | undefined, field: string): boolean {
  if (value === undefined) return false;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new RequestValidationError(field, `Invalid '${field}': expected 'true' or 'false'.`);
}

/** A built-in voice's name, or a custom voice as `{id}` (OpenAI's custom voices). */
function requireVoice(value: unknown): void {
  if (value === undefined || typeof value === 'string') {
    requireString(value, 'voice', { nonEmpty: true, maxLength: 64 });
    return;
  }
  if (!isJsonObject(value)) throw invalidType('voice', "a string or an object with 'id'", value);
  requireString(value['id'], childPath('voice', 'id'), { nonEmpty: true, maxLength: 64 });
}

function requireModel(value: unknown): string {
  return requireString(value, 'model', { nonEmpty: true, maxLength: MAX_MODEL_NAME_LENGTH });
}

function requireNumber(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidType(path, 'a number', value);
  if (value < min || value > max) {
    throw new RequestValidationError(path, `Invalid '${path}': expected a number from ${min} to ${max}.`);
  }
  return value;
}

/** Characters as billed: Unicode code points, so an emoji is one character. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Moderation input: a text, texts, or multimodal parts (the text parts are what is counted). */
function moderationTexts(input: unknown): string[] {
  if (input === undefined) throw missing('input');
  if (typeof input === 'string') return [requireString(input, 'input', { nonEmpty: true })];
  const items = requireArray(input, 'input', { nonEmpty: true });
  if (items.length > MAX_MODERATION_INPUTS) {
    throw new RequestValidationError('input', `Invalid 'input': at most ${MAX_MODERATION_INPUTS} items.`);
  }
  return items.map((item, index) => {
    const path = childPath('input', index);
    if (typeof item === 'string') return item;
    if (!isJsonObject(item)) throw invalidType(path, 'a string or an input part object', item);
    const type = requireOneOf(item['type'], childPath(path, 'type'), ['text', 'image_url'] as const);
    if (type === 'text') return requireString(item['text'], childPath(path, 'text'));
    if (!isJsonObject(item['image_url']))
      throw invalidType(childPath(path, 'image_url'), 'an object', item['image_url']);
    requireString(item['image_url']['url'], childPath(childPath(path, 'image_url'), 'url'), {
      nonEmpty: true,
    });
    return '';
  });
}

/** A rerank document: a text, or `{text}` (Cohere's and Jina's object form). */
function documentText(document: unknown, path: string): string {
  if (typeof document === 'string') return document;
  if (isJsonObject(document) && typeof document['text'] === 'string') return document['text'];
  throw invalidType(path, "a string or an object with 'text'", document);
}

// multipart/form-data as OpenAI's upload routes take it, read with busboy as it arrives: fields kept,
// files only measured (size, SHA-256, their first bytes), never held, so a 25 MB upload costs the
// mock no memory. The result is the JSON-like body the media endpoints validate.
import busboy from 'busboy';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../http-error';
import type { JsonObject } from '../request-fields';

/** A file part as the endpoints see it. */
export interface FormFile {
  kind: 'file';
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  /** The first bytes (base64), for format sniffing (a WAV header's byte rate). */
  head: string;
}

const HEAD_BYTES = 64;

export function isFormFile(value: unknown): value is FormFile {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'file';
}

export async function readMultipartForm(req: IncomingMessage, limitBytes: number): Promise<JsonObject> {
  let parser: busboy.Busboy;
  try {
    // A file name's bytes are UTF-8, as clients send them (busboy's default reads them as latin1).
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      limits: { fileSize: limitBytes, fields: 100, files: 20 },
    });
  } catch (error) {
    throw HttpError.invalidRequest(`Could not parse multipart form: ${(error as Error).message}`);
  }
  const body: JsonObject = {};
  const add = (name: string, value: unknown) => {
    const existing = body[name];
    if (existing === undefined) body[name] = value;
    else body[name] = Array.isArray(existing) ? [...(existing as unknown[]), value] : [existing, value];
  };
  let tooLarge = false;
  parser.on('field', (name, value) => add(name, value));
  parser.on('file', (name, stream, info) => {
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      if (size < HEAD_BYTES) head.push(chunk.subarray(0, HEAD_BYTES - size));
      size += chunk.length;
      hash.update(chunk);
    });
    stream.on('limit', () => {
      tooLarge = true;
    });
    stream.on('end', () => {
      const file: FormFile = {
        kind: 'file',
        filename: info.filename ?? 'file',
        contentType: info.mimeType,
        size,
        sha256: hash.digest('hex'),
        head: Buffer.concat(head).toString('base64'),
      };
      add(name, file);
    });
  });
  try {
    await pipeline(req, parser);
  } catch (error) {
    throw HttpError.invalidRequest(`Could not parse multipart form: ${(error as Error).message}`);
  }
  if (tooLarge)
    throw new HttpError(413, `Maximum content size limit (${limitBytes}) exceeded.`, 'invalid_request_error');
  return body;
}

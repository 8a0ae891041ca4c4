import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error';
import { isJsonObject, type JsonObject } from './request-fields';

/** Reads the whole body; a body over `limit` bytes is drained (keeping the connection usable) and answered 413. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) {
        reject(new HttpError(413, `Request body exceeds ${limit} bytes.`, 'invalid_request_error'));
      } else {
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    req.on('error', reject);
    // The client may vanish mid-body without an 'error'; settle anyway so nothing waits forever.
    req.on('close', () => {
      if (!req.complete) reject(new Error('request body interrupted'));
    });
  });
}

export function parseJsonObject(raw: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw HttpError.invalidRequest(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
    );
  }
  if (!isJsonObject(parsed)) throw HttpError.invalidRequest('The request body must be a JSON object.');
  return parsed;
}

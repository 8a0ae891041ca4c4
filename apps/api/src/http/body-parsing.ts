import { Logger } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { nestsDeeperThan } from './json-depth';
import { sendError } from './surface-exception.filter';

/**
 * Relay bodies carry images, long histories and tools' JSON schemas; admin bodies are small and
 * flat. `depth`: the deepest nesting of objects and arrays accepted (issue #14 item 7).
 */
export const BODY_LIMITS = {
  relay: { size: '20mb', depth: 64 },
  admin: { size: '1mb', depth: 32 },
} as const;

/** An error as body-parser would have passed it on (error-facts.ts reads its type). */
function bodyError(status: number, type: string, message: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type });
}

/** body-parser would silently replace broken sequences with U+FFFD; refuse them instead. */
function assertUtf8(_req: Request, _res: Response, buf: Buffer): void {
  if (!isUtf8(buf)) throw bodyError(400, 'encoding.invalid', 'request body is not valid UTF-8');
}

/** A body refused before it is parsed: broken UTF-8, or nesting past the surface's depth. */
function checkBytes(maxDepth: number): (req: Request, res: Response, buf: Buffer) => void {
  return (req, res, buf) => {
    assertUtf8(req, res, buf);
    if (nestsDeeperThan(buf, maxDepth)) {
      throw bodyError(400, 'entity.too.deep', `request body nests deeper than ${maxDepth} levels`);
    }
  };
}

export function jsonBody(limits: { size: string; depth: number }): RequestHandler {
  return express.json({ limit: limits.size, verify: checkBytes(limits.depth) });
}

/** `application/json`, with at most a UTF-8 charset: what nearly every API client sends. */
const PLAIN_JSON = /^application\/json\s*(?:;\s*charset\s*=\s*(?:utf-8|"utf-8")\s*)?$/i;

/** '20mb' or '1mb' (BODY_LIMITS' sizes) in bytes. */
function bytesOf(size: string): number {
  const match = /^(\d+)(kb|mb)$/.exec(size);
  if (match === null) throw new Error(`body size ${size}: expected <n>kb or <n>mb`);
  return Number(match[1]) * (match[2] === 'kb' ? 1024 : 1024 * 1024);
}

/**
 * jsonBody for the relay's hot path (issue #16): a body that says it is plain JSON, of a declared
 * length within the limit and not compressed, is read and judged here, the same way and with the
 * same errors as jsonBody (UTF-8, depth, a byte order mark dropped, an empty body as {}, only an
 * object or array at the top), without body-parser's per-request machinery (its content-type,
 * charset and encoding parsing and its charset decoder were about 5 % of the api's CPU per relayed
 * request). Anything else (another or no content type, another charset, a compressed or chunked
 * body, one declared too large) goes to `fallback`, jsonBody itself unless a test says otherwise.
 */
export function relayJsonBody(
  limits: { size: string; depth: number },
  fallback: RequestHandler = jsonBody(limits),
): RequestHandler {
  const limit = bytesOf(limits.size);
  const verify = checkBytes(limits.depth);
  return (req, res, next) => {
    const headers = req.headers;
    const declared = headers['content-length'];
    const type = headers['content-type'];
    const encoding = headers['content-encoding'];
    if (
      declared === undefined ||
      type === undefined ||
      !PLAIN_JSON.test(type) ||
      (encoding !== undefined && encoding.toLowerCase() !== 'identity') ||
      headers['transfer-encoding'] !== undefined ||
      req.body !== undefined ||
      req.readableEnded
    ) {
      return fallback(req, res, next);
    }
    // Node's parser has checked that it is a plain decimal number.
    const length = Number(declared);
    if (!(length > 0 && length <= limit)) return fallback(req, res, next);
    const chunks: Buffer[] = [];
    let received = 0;
    const done = (error: Error | null, body?: Buffer): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error !== null) return next(error);
      try {
        verify(req, res, body as Buffer);
        req.body = strictJson(body as Buffer);
      } catch (refused) {
        return next(refused);
      }
      next();
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      if (received !== length) {
        return done(bodyError(400, 'request.size.invalid', 'request size did not match content length'));
      }
      done(null, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
    };
    const onError = (): void => done(bodyError(400, 'request.aborted', 'request aborted'));
    const onClose = (): void => {
      if (!req.readableEnded) onError();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  };
}

/** A body checkBytes passed, parsed as body-parser's strict JSON parser would. */
function strictJson(body: Buffer): unknown {
  // body-parser's decoder drops a byte order mark.
  const start = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  const text = body.toString('utf8', start);
  if (text === '') return {};
  // JSON's whitespace: space, tab, line feed, carriage return.
  const first = /[^ \t\n\r]/.exec(text);
  if (first === null) throw bodyError(400, 'entity.parse.failed', 'Unexpected end of JSON input');
  if (first[0] !== '{' && first[0] !== '[') {
    throw bodyError(
      400,
      'entity.parse.failed',
      `Unexpected token '${first[0]}' at position ${first.index}: the body must be a JSON object or array`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw bodyError(400, 'entity.parse.failed', (error as Error).message);
  }
}

/** Payment providers' notifications: Stripe signs the exact bytes, EPay may post a form. */
export function rawBody(limit: string): RequestHandler {
  return express.raw({ type: () => true, limit });
}

export function formBody(limit: string): RequestHandler {
  return express.urlencoded({ extended: false, limit, verify: assertUtf8 });
}

/** Turns body-parser failures (bad JSON, too large, bad encoding) into the surface's error shape. */
export function bodyErrorHandler(): (err: unknown, req: Request, res: Response, next: NextFunction) => void {
  const logger = new Logger('Http');
  return (err, req, res, next) => {
    if (!err) return next();
    sendError(err, req, res, logger);
  };
}

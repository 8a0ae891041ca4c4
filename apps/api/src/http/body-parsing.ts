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

/** body-parser would silently replace broken sequences with U+FFFD; refuse them instead. */
function assertUtf8(_req: Request, _res: Response, buf: Buffer): void {
  if (!isUtf8(buf))
    throw Object.assign(new Error('request body is not valid UTF-8'), {
      type: 'encoding.invalid',
      status: 400,
    });
}

/** A body refused before it is parsed: broken UTF-8, or nesting past the surface's depth. */
function checkBytes(maxDepth: number): (req: Request, res: Response, buf: Buffer) => void {
  return (req, res, buf) => {
    assertUtf8(req, res, buf);
    if (nestsDeeperThan(buf, maxDepth))
      throw Object.assign(new Error(`request body nests deeper than ${maxDepth} levels`), {
        type: 'entity.too.deep',
        status: 400,
      });
  };
}

export function jsonBody(limits: { size: string; depth: number }): RequestHandler {
  return express.json({ limit: limits.size, verify: checkBytes(limits.depth) });
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

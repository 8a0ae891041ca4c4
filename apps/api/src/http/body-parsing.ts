import { Logger } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendError } from './surface-exception.filter';

/** Relay bodies carry images and long histories; admin bodies are small. */
export const BODY_LIMITS = { relay: '20mb', admin: '1mb' } as const;

function assertUtf8(_req: Request, _res: Response, buf: Buffer): void {
  // body-parser would silently replace broken sequences with U+FFFD; refuse them instead.
  if (!isUtf8(buf))
    throw Object.assign(new Error('request body is not valid UTF-8'), {
      type: 'encoding.invalid',
      status: 400,
    });
}

export function jsonBody(limit: string): RequestHandler {
  return express.json({ limit, verify: assertUtf8 });
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

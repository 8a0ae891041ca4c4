import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * First middleware of the api: every request gets an id (the caller's x-request-id when it is
 * sane, else a new UUID), echoed in the response and attached to every log line. Under /v1 the id
 * is always the gateway's own: it keys the request's usage record, which must be unique even when
 * a client sends the same x-request-id twice.
 */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const relayed = req.path === '/v1' || req.path.startsWith('/v1/') || req.path.startsWith('/v1beta/');
  const id =
    !relayed && typeof incoming === 'string' && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID();
  req.id = id;
  res.setHeader('x-request-id', id);
  next();
}

// A /v1 request's key is checked before its body is read (issue #14 item 7): whoever holds no
// valid key must not make the gateway read and parse up to 20 MB of JSON first. Small bodies are
// cheap to parse and are checked by the relay as before, so a malformed one still gets its 400.
import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RelayCallers } from './relay-caller';

/** Bodies up to this many bytes (declared by Content-Length) are read before the key is checked. */
export const KEY_BEFORE_BODY_FROM_BYTES = 64 * 1024;

@Injectable()
export class KeyBeforeBody {
  constructor(private readonly callers: RelayCallers) {}

  /**
   * Express middleware, mounted before the body parser. A refusal goes to the error handlers as a
   * RelayError, which answer in the route's own shape; the unread body is discarded by Node.
   */
  middleware(keyOf: (req: Request) => string | null): RequestHandler {
    return (req: Request, _res: Response, next: NextFunction) => {
      if (!carriesLargeBody(req)) return next();
      this.callers.authenticate({ apiKey: keyOf(req), clientIp: req.ip }).then(() => next(), next);
    };
  }
}

/** A body over the threshold, or one whose size is not declared (chunked). */
function carriesLargeBody(req: Request): boolean {
  const length = req.headers['content-length'];
  if (length === undefined) return req.headers['transfer-encoding'] !== undefined;
  const bytes = Number(length);
  return !Number.isFinite(bytes) || bytes > KEY_BEFORE_BODY_FROM_BYTES;
}

// Runs an `@Idempotent()` route at most once per caller and Idempotency-Key (docs/design.md,
// "Idempotent requests"). The answer is taken where Express sends it, after the exception filter
// has shaped an error, so a replay repeats exactly the status and bytes the first caller got.
import {
  CallHandler,
  ExecutionContext,
  HttpStatus,
  Injectable,
  Logger,
  NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, Observable, of, switchMap, tap } from 'rxjs';
import { idempotencyKeyOf } from './idempotency-key-header';
import { IdempotencyStore, StoredResponse } from './idempotency-store';
import { requestHash, requestLine } from './request-fingerprint';

export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

type Send = Response['send'];

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(private readonly store: IdempotencyStore) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request & { user?: { id: string } }>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const key = idempotencyKeyOf(req.headers['idempotency-key']);
    // Every idempotent route is behind a role guard, so a caller is known; without one, no key.
    const principal = req.user?.id;
    if (key === undefined || principal === undefined) return next.handle();

    const request = { principal, key, request: requestLine(req), requestHash: requestHash(req) };
    return from(this.store.claim(request)).pipe(
      switchMap((claim) => {
        if (claim.kind === 'replay') {
          sendInstead(res, claim.response);
          // Nest answers the route with nothing; the send above puts the stored answer there.
          return of(undefined);
        }
        this.keepAnswer(res, principal, key, claim.claim);
        return next.handle().pipe(
          tap({
            // An error the client left before is written nowhere (the filter skips a closed
            // response), so nothing reaches the send: forget the claim, since the request failed.
            error: () => {
              if (res.destroyed && !res.headersSent) this.forget(principal, key, claim.claim);
            },
          }),
        );
      }),
    );
  }

  /**
   * Holds the route's answer until it is stored: a 5xx is not (the retry runs again), nor a 400 (the
   * request was refused as sent, before it changed anything: Stripe keeps no answer for a request that
   * fails validation, so the caller corrects it and sends it with the same key); anything else is, so
   * a retry sent the moment this answer arrives already finds it.
   */
  private keepAnswer(res: Response, principal: string, key: string, claim: string): void {
    const send: Send = res.send;
    res.send = ((body?: unknown) => {
      // res.json, and send given an object, come back here with the JSON text: store that one.
      if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) return send.call(res, body);
      res.send = send;
      const response: StoredResponse = {
        status: res.statusCode,
        contentType: (res.getHeader('content-type') as string | undefined) ?? null,
        body: Buffer.isBuffer(body) ? body.toString('utf8') : body === undefined ? '' : String(body),
      };
      const stored =
        response.status >= 500 || response.status === HttpStatus.BAD_REQUEST
          ? this.store.release(principal, key, claim)
          : this.store.complete(principal, key, claim, response);
      void stored
        .catch((err: unknown) => {
          // The answer still goes out. The claim stays without it (a retry is 409 until the key
          // expires, as after a crash): the request may have moved money, so it must not run again.
          this.logger.error({ err, status: response.status }, 'could not store an idempotent answer');
        })
        .finally(() => send.call(res, body));
      return res;
    }) as Send;
  }

  private forget(principal: string, key: string, claim: string): void {
    this.store.release(principal, key, claim).catch((err: unknown) => {
      this.logger.error({ err }, 'could not release an idempotency key');
    });
  }
}

/** Answers with the stored response whatever the route would send (Nest sends nothing here). */
function sendInstead(res: Response, stored: StoredResponse): void {
  const send: Send = res.send;
  res.send = function replay() {
    res.send = send;
    res.status(stored.status);
    if (stored.contentType) res.setHeader('content-type', stored.contentType);
    res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return send.call(res, stored.body);
  } as Send;
}

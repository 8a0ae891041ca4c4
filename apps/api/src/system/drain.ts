// A stopping api (SIGTERM, a rolling restart) drains instead of dropping: /ready turns 503 so load
// balancers stop sending, the listener closes, and requests already accepted run to their end (a
// stream to its last chunk, then its settlement and usage event) within SHUTDOWN_GRACE_MS.
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { finalize, type Observable } from 'rxjs';

@Injectable()
export class Drain implements NestInterceptor {
  private stopping = false;
  /** Requests whose response is not closed yet, plus handlers still running after their response
   * (the relay settles a request's hold and queues its usage event once the answer has gone out). */
  private open = 0;
  private waiters: (() => void)[] = [];

  get draining(): boolean {
    return this.stopping;
  }

  get inFlight(): number {
    return this.open;
  }

  /** From here on /ready answers 503 and every response asks its client to close the connection. */
  start(): void {
    this.stopping = true;
  }

  /** Resolves true once nothing is in flight, or false when `timeoutMs` passed first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.open === 0) return Promise.resolve(true);
    return new Promise((resolveIdle) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        resolveIdle(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolveIdle(true);
      };
      this.waiters.push(done);
    });
  }

  /** The first middleware: counts a request from its arrival until its response closes. */
  middleware(): RequestHandler {
    return (_req: Request, res: Response, next: NextFunction) => {
      // A kept-alive connection must not carry new requests into a process that is going away.
      if (this.stopping) res.setHeader('Connection', 'close');
      this.enter();
      res.once('close', () => this.leave());
      next();
    };
  }

  /** Counts a handler until it has returned: what it does after the response (settling) counts too. */
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.enter();
    return next.handle().pipe(finalize(() => this.leave()));
  }

  private enter(): void {
    this.open++;
  }

  private leave(): void {
    this.open--;
    if (this.open > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

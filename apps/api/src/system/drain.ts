// A stopping api (SIGTERM, a rolling restart) drains instead of dropping: /ready turns 503 so load
// balancers stop sending, the listener closes, and requests already accepted run to their end (a
// stream to its last chunk, then its settlement and usage event) within SHUTDOWN_GRACE_MS.
import { Injectable } from '@nestjs/common';
import { RelayInFlight } from '@gateway/relay';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

@Injectable()
export class Drain {
  private stopping = false;
  /** Requests whose response is not closed yet. */
  private open = 0;
  private waiters: (() => void)[] = [];

  /** The relay counts its own requests until settled: it settles a request's hold and queues its
   * usage event once the answer has gone out. No other route works on after its response. */
  constructor(private readonly relay: RelayInFlight) {}

  get draining(): boolean {
    return this.stopping;
  }

  get inFlight(): number {
    return Math.max(this.open, this.relay.count);
  }

  /** From here on /ready answers 503 and every response asks its client to close the connection. */
  start(): void {
    this.stopping = true;
  }

  /** Resolves true once nothing is in flight, or false when `timeoutMs` passed first. */
  async whenIdle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    // Responses first, then what the relay does after them; again if a response opened meanwhile.
    while (this.open > 0 || this.relay.count > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), left);
      });
      const idle = (this.open > 0 ? this.responsesClosed() : this.relay.whenIdle()).then(() => true);
      const done = await Promise.race([idle, timeout]);
      clearTimeout(timer);
      if (!done) return false;
    }
    return true;
  }

  /** The first middleware: counts a request from its arrival until its response closes. */
  middleware(): RequestHandler {
    return (_req: Request, res: Response, next: NextFunction) => {
      // A kept-alive connection must not carry new requests into a process that is going away.
      if (this.stopping) res.setHeader('Connection', 'close');
      this.open++;
      res.once('close', () => this.leave());
      next();
    };
  }

  private responsesClosed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private leave(): void {
    this.open--;
    if (this.open > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

// The request context of the api's log lines (nestjs-pino binds each /api request's logger through
// an AsyncLocalStorage) held only while such a request is in flight. Once any AsyncLocalStorage is
// entered, Node 20 runs a hook on every promise and async resource the process creates, to carry the
// store along, and never stops by itself: the /v1 hot path, which binds no logger, paid it too
// (about 7% of the api's CPU per relayed request at c=32 on the bench, issue #16). So the store is
// disabled whenever no request that may have entered it is left; the next one enables it again.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AsyncLocalStorage } from 'node:async_hooks';
import { storage } from 'nestjs-pino/storage';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * Express middleware for every request that can reach nestjs-pino's middleware: it counts them
 * until their response closes, and disables `store` when none is left. A request's log lines keep
 * their context for as long as the request is in flight, overlapping ones included; work a request
 * leaves running after its response has closed logs without it.
 */
export function logContextWhileBusy(
  store: Pick<AsyncLocalStorage<unknown>, 'disable'> = storage,
): Middleware {
  let busy = 0;
  const closed = (): void => {
    busy--;
    if (busy === 0) store.disable();
  };
  return (_req, res, next) => {
    busy++;
    res.once('close', closed);
    next();
  };
}

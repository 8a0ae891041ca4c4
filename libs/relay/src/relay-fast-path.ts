// The relay's own POST routes answered straight from Express, ahead of the router that holds every
// /api route. Their handlers take the request as it is: no guard, pipe or interceptor does anything
// for them (the surface is public, they read no parameters, and they answer every error themselves
// in their ingress's shape), so Nest's route machinery, and the walk past the admin API's routes
// registered before them, cost each /v1 request CPU and bought it nothing (issue #16). Mounted first,
// it runs the middlewares a /v1 request needs itself, in the order given, so Express's router does not
// match the request against each of the api's other layers either. What it does not name (other
// methods, other paths, a trailing slash) falls through to those layers and Nest's routes as before.
import { Logger } from '@nestjs/common';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { RelayController } from './relay.controller';
import { asRelayError } from './relay/as-relay-error';
import { sendRelayError } from './relay/send-relay-error';

type Handler = (req: Request, res: Response) => Promise<void>;

export interface RelayFastPathOptions {
  /** Run in this order before the handler (what the api runs for every request, and /v1's body parser). */
  before?: readonly RequestHandler[];
  /** Where a middleware's next(error) goes (the api's error answer in the request's surface shape). */
  onError?: ErrorRequestHandler;
}

/**
 * Express middleware for the api's root. The route template of a request it answers is left in
 * `res.locals.route` (for the request metrics, as Nest's router would have named it).
 */
export function relayFastPath(
  controller: RelayController,
  options: RelayFastPathOptions = {},
): RequestHandler {
  const logger = new Logger('Relay');
  const before = options.before ?? [];
  const routes = new Map<string, Handler>([
    ['/v1/chat/completions', (req, res) => controller.chatCompletions(req, res)],
    ['/v1/completions', (req, res) => controller.completions(req, res)],
    ['/v1/embeddings', (req, res) => controller.embeddings(req, res)],
    ['/v1/messages', (req, res) => controller.messages(req, res)],
    ['/v1/responses', (req, res) => controller.responses(req, res)],
  ]);
  const answer = (handler: Handler, req: Request, res: Response) => {
    handler(req, res).catch((error: unknown) => {
      // The relay answers its own failures; this is for one it could not (a bug), as Nest's filter would.
      if (!res.headersSent) sendRelayError(res, asRelayError(error, logger));
      else res.destroy();
    });
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const handler = req.method === 'POST' ? routes.get(req.path) : undefined;
    if (handler === undefined) return next();
    res.locals['route'] = req.path;
    const failed = (error: unknown): void => {
      if (options.onError) options.onError(error, req, res, next);
      else next(error);
    };
    let at = 0;
    const step = (error?: unknown): void => {
      if (error !== undefined && error !== null) {
        failed(error);
        return;
      }
      const middleware = before[at++];
      if (middleware === undefined) {
        answer(handler, req, res);
        return;
      }
      try {
        middleware(req, res, step);
      } catch (thrown) {
        failed(thrown);
      }
    };
    step();
  };
}

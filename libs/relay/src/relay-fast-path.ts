// The relay's own POST routes answered straight from Express, ahead of the router that holds every
// /api route. Their handlers take the request as it is: no guard, pipe or interceptor does anything
// for them (the surface is public, they read no parameters, and they answer every error themselves
// in their ingress's shape), so Nest's route machinery, and the walk past the admin API's routes
// registered before them, cost each /v1 request CPU and bought it nothing (issue #16). What it does
// not name (other methods, other paths, a trailing slash) falls through to Nest's routes as before.
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RelayController } from './relay.controller';
import { asRelayError } from './relay/as-relay-error';
import { sendRelayError } from './relay/send-relay-error';

type Handler = (req: Request, res: Response) => Promise<void>;

/** Express middleware for `/v1`, mounted after its body parser. */
export function relayFastPath(controller: RelayController): RequestHandler {
  const logger = new Logger('Relay');
  const routes = new Map<string, Handler>([
    ['/chat/completions', (req, res) => controller.chatCompletions(req, res)],
    ['/completions', (req, res) => controller.completions(req, res)],
    ['/embeddings', (req, res) => controller.embeddings(req, res)],
    ['/messages', (req, res) => controller.messages(req, res)],
    ['/responses', (req, res) => controller.responses(req, res)],
  ]);
  return (req: Request, res: Response, next: NextFunction) => {
    const handler = req.method === 'POST' ? routes.get(req.path) : undefined;
    if (handler === undefined) return next();
    handler(req, res).catch((error: unknown) => {
      // The relay answers its own failures; this is for one it could not (a bug), as Nest's filter would.
      if (!res.headersSent) sendRelayError(res, asRelayError(error, logger));
      else res.destroy();
    });
  };
}

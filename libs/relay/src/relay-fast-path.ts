// The relay's own POST routes answered straight from Express, ahead of the router that holds every
// /api route. Their handlers take the request as it is: no guard, pipe or interceptor does anything
// for them (the surface is public, they read no parameters, and they answer every error themselves
// in their ingress's shape), so Nest's route machinery, and the walk past the admin API's routes
// registered before them, cost each /v1 request CPU and bought it nothing (issue #16). It runs the
// middlewares a /v1 request needs itself, in the order given. `answerRelayFirst` puts it on the HTTP
// server ahead of Express, so neither Express's application nor its router sees these requests; it
// works as well as the first layer of an Express app. What it does not name (other methods, other
// paths, a trailing slash) goes on to Express, its layers and Nest's routes as before.
import { IncomingMessage, ServerResponse, type Server } from 'node:http';
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

/** A relay route the fast path answers: its path (the metrics' route name) and its handler. */
export interface RelayRoute {
  readonly path: string;
  readonly handler: Handler;
}

/** The fast path as Express middleware, plus its two halves for `answerRelayFirst`. */
export type RelayFastPath = RequestHandler & {
  /** The route a request with this method and URL (as on the request line) takes, or undefined. */
  routeOf(method: string | undefined, url: string | undefined): RelayRoute | undefined;
  /** Answers a request of `route` (its middlewares, then its handler); `next` as for the middleware. */
  serve(route: RelayRoute, req: Request, res: Response, next: NextFunction): void;
};

/** The path of a request-line URL in origin form (`/v1/x?y` → `/v1/x`); anything else as it is. */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Express middleware for the api's root. The route template of a request it answers is left in
 * `res.locals.route` (for the request metrics, as Nest's router would have named it).
 */
export function relayFastPath(
  controller: RelayController,
  options: RelayFastPathOptions = {},
): RelayFastPath {
  const logger = new Logger('Relay');
  const before = options.before ?? [];
  const handlers: [string, Handler][] = [
    ['/v1/chat/completions', (req, res) => controller.chatCompletions(req, res)],
    ['/v1/completions', (req, res) => controller.completions(req, res)],
    ['/v1/embeddings', (req, res) => controller.embeddings(req, res)],
    ['/v1/messages', (req, res) => controller.messages(req, res)],
    ['/v1/responses', (req, res) => controller.responses(req, res)],
  ];
  const routes = new Map(handlers.map(([path, handler]) => [path, { path, handler }]));
  const answer = (handler: Handler, req: Request, res: Response) => {
    handler(req, res).catch((error: unknown) => {
      // The relay answers its own failures; this is for one it could not (a bug), as Nest's filter would.
      if (!res.headersSent) sendRelayError(res, asRelayError(error, logger));
      else res.destroy();
    });
  };
  const routeOf = (method: string | undefined, url: string | undefined): RelayRoute | undefined =>
    method === 'POST' && url !== undefined ? routes.get(pathOf(url)) : undefined;
  const serve = ({ path, handler }: RelayRoute, req: Request, res: Response, next: NextFunction): void => {
    res.locals['route'] = path;
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
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    const route = routeOf(req.method, req.url);
    if (route === undefined) next();
    else serve(route, req, res, next);
  };
  return Object.assign(middleware, { routeOf, serve });
}

/** What Express's application gives every request and response it handles (their prototypes). */
export interface ExpressPrototypes {
  request: object;
  response: object;
}

/**
 * Puts `fastPath` on `server` ahead of the Express application that serves it: a request the fast
 * path answers gets what Express's application would have given it first (its request and response
 * prototypes, so `req.ip` honours `trust proxy`, `res.status` and `res.json` work, and `res.locals`),
 * then the fast path, without the application's handler or router; every other request goes to the
 * server's listeners as before. Call it before the server listens.
 */
export function answerRelayFirst(server: Server, app: ExpressPrototypes, fastPath: RelayFastPath): void {
  const born = bornWithExpressPrototypes(server, app);
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  const others = (req: IncomingMessage, res: ServerResponse): void => {
    for (const listener of listeners) listener.call(server, req, res);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const route = fastPath.routeOf(req.method, req.url);
    if (route === undefined) return others(req, res);
    // As Express 5's app.handle does before its router, unless the server built them so.
    const request = (born ? req : Object.setPrototypeOf(req, app.request)) as Request;
    const response = (born ? res : Object.setPrototypeOf(res, app.response)) as Response;
    request.res = response;
    response.req = request;
    // As its router does; the api turns Express's x-powered-by header off, so it is not set here.
    request.baseUrl = '';
    request.originalUrl = req.url ?? '';
    response.locals = Object.create(null) as Response['locals'];
    // Only a middleware's error without an onError comes back here: Express would have answered 500.
    fastPath.serve(route, request, response, (error?: unknown) => {
      if (error === undefined) others(req, res);
      else response.destroy(error as Error);
    });
  });
}

/**
 * Has `server` build its requests and responses with Express's prototypes under Node's own
 * constructors, as `createServer({ IncomingMessage, ServerResponse }, app)` would have: the fast path
 * then changes no object's prototype per request. V8 pays for such a change on the object (it leaves
 * its fast shape) and again on every property access after it: measured on the bench, api CPU per
 * relayed request about 20% lower and 13 KB less allocated without it. Express still sets its
 * prototypes on the requests it handles itself. False, and nothing changed, when the server was given
 * classes of its own, or keeps them under other names than this Node's (the fast path then sets the
 * prototypes per request, as before).
 */
function bornWithExpressPrototypes(server: Server, app: ExpressPrototypes): boolean {
  const slots = server as unknown as Record<symbol, unknown>;
  const symbols = Object.getOwnPropertySymbols(server);
  const requestSlot = symbols.find((symbol) => symbol.description === 'IncomingMessage');
  const responseSlot = symbols.find((symbol) => symbol.description === 'ServerResponse');
  if (requestSlot === undefined || responseSlot === undefined) return false;
  if (slots[requestSlot] !== IncomingMessage || slots[responseSlot] !== ServerResponse) return false;
  class ExpressRequest extends IncomingMessage {}
  class ExpressResponse extends ServerResponse {}
  Object.setPrototypeOf(ExpressRequest.prototype, app.request);
  Object.setPrototypeOf(ExpressResponse.prototype, app.response);
  slots[requestSlot] = ExpressRequest;
  slots[responseSlot] = ExpressResponse;
  return true;
}

// Builds the api process (relay + admin API + SPA) on Express. Used by main.ts and by the tests.
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { logContextWhileBusy, type AppConfig } from '@gateway/config';
import {
  answerRelayFirst,
  apiKeyOf,
  googleKeyOf,
  KeyBeforeBody,
  RelayController,
  relayFastPath,
} from '@gateway/relay';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import {
  BODY_LIMITS,
  bodyErrorHandler,
  formBody,
  jsonBody,
  rawBody,
  relayJsonBody,
} from './http/body-parsing';
import { applyHttpTimeouts } from './http/http-timeouts';
import { requestId } from './http/request-id';
import { SurfaceExceptionFilter } from './http/surface-exception.filter';
import { apiValidationPipe } from './http/validation.pipe';
import { Drain } from './system/drain';
import { HttpMetrics } from './system/metrics';
import { openApiDocument } from './openapi-document';

export async function createApiApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
    // Throw instead of process.exit() on a wiring error, so callers (main.ts, tests) decide.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // Decides req.ip (IP allowlists, the login limiter, audit) and req.secure (the session cookie).
  const trust = config.TRUST_PROXY;
  app.set('trust proxy', typeof trust === 'object' ? [...trust] : trust);

  applyHttpTimeouts(app.getHttpServer(), {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
  });

  // Order matters: these run before any Nest middleware, guard or route.
  const drain = app.get(Drain).middleware();
  const metrics = app.get(HttpMetrics).middleware();
  // A large /v1 body is read only for a valid key (issue #14 item 7).
  const keyBeforeBody = app.get(KeyBeforeBody);
  const relayBody = relayJsonBody(BODY_LIMITS.relay);
  const bodyErrors = bodyErrorHandler();
  // The relay's own routes are answered by the HTTP server ahead of Express, with the very middlewares
  // the layers below give a /v1 request, in their order: neither Express's application and router nor
  // Nest's router sees them (relay-fast-path.ts).
  answerRelayFirst(
    app.getHttpServer(),
    app.getHttpAdapter().getInstance(),
    relayFastPath(app.get(RelayController), {
      before: [drain, requestId, metrics, keyBeforeBody.middleware(apiKeyOf), relayBody],
      onError: bodyErrors,
    }),
  );
  // Every request Express sees may enter the log lines' request context; the relay's, answered above,
  // never do, and need not pay for it while no other request is in flight (log-context.ts).
  app.use(logContextWhileBusy());
  app.use(drain);
  app.use(requestId);
  app.use(metrics);
  // Only the dashboard's session lives in a cookie; /v1 authenticates with its own keys.
  app.use('/api', cookieParser());
  app.use('/v1', keyBeforeBody.middleware(apiKeyOf));
  app.use('/v1beta', keyBeforeBody.middleware(googleKeyOf));
  app.use('/v1', relayBody);
  app.use('/v1beta', jsonBody(BODY_LIMITS.relay));
  // Before /api's JSON parser, which then leaves these bodies alone.
  app.use('/api/payments/stripe/webhook', rawBody(BODY_LIMITS.admin.size));
  app.use('/api/payments/epay/notify', formBody(BODY_LIMITS.admin.size));
  app.use('/api', jsonBody(BODY_LIMITS.admin));
  app.use(bodyErrors);

  app.useGlobalPipes(apiValidationPipe());
  app.useGlobalFilters(new SurfaceExceptionFilter());

  // Built at the first request for it (the UI, JSON or YAML), then kept: scanning every controller
  // and DTO at boot cost the api's idle memory for a document most processes never serve (issue #16).
  SwaggerModule.setup('api/docs', app, () => openApiDocument(app), {
    jsonDocumentUrl: 'api/openapi.json',
    yamlDocumentUrl: 'api/openapi.yaml',
  });

  // No enableShutdownHooks(): a signal must not close the database under in-flight requests;
  // main.ts drains first (./system/drain.ts), then closes.
  await app.init();
  return app;
}

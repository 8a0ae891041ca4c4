// Structured JSON logs (pino) for every process, with secrets redacted and the request id attached.
import type { IncomingMessage } from 'node:http';
import { DynamicModule, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import type { RawConfig } from './app-config';

/** Header values and fields that must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-goog-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.key',
  '*.accessToken',
];

const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

function quiet(path: string): boolean {
  return QUIET_PATHS.has(path) || path === '/v1' || path.startsWith('/v1/') || path.startsWith('/v1beta/');
}

export function loggerModule(
  config: Pick<RawConfig, 'LOG_LEVEL' | 'NODE_ENV'>,
  processName: string,
): DynamicModule {
  return LoggerModule.forRoot({
    // /v1 requests are logged as usage records (one per request, queryable), not as log lines, so the
    // relay skips pino-http altogether: a child logger with redacted request bindings per request
    // cost ~3% of the api's CPU under load (issue #16). Relay log lines name their request id.
    exclude: [
      { path: 'v1', method: RequestMethod.ALL },
      { path: 'v1/{*path}', method: RequestMethod.ALL },
      { path: 'v1beta/{*path}', method: RequestMethod.ALL },
    ],
    pinoHttp: [
      {
        level: config.LOG_LEVEL,
        name: processName,
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        // The id is assigned (and echoed as x-request-id) by the first middleware of the api.
        genReqId: (req: IncomingMessage) => (req as { id?: string }).id ?? '',
        autoLogging: { ignore: (req) => quiet((req.url ?? '').split('?')[0] ?? '') },
        serializers: {
          req: (req: { id: string; method: string; url: string }) => ({
            id: req.id,
            method: req.method,
            url: maskQuerySecrets(req.url),
          }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
      },
      // Asynchronous writes: a log line never blocks the event loop on a slow stdout (a pipe to a
      // log shipper, a full terminal). pino flushes what is buffered when the process exits.
      pino.destination({ dest: 1, sync: false }),
    ],
  });
}

/** Gemini-style clients put keys in the query string (`?key=`); keep them out of the logs. */
export function maskQuerySecrets(url: string): string {
  return url.replace(/([?&](?:key|api_key|api-key|token|access_token)=)[^&]*/gi, '$1[redacted]');
}

// A /v1 error as OpenAI's SDKs read it: {"error":{message,type,code,param}}, with Retry-After.
import { openAiErrorType, RelayError } from '../relay.errors';
import type { ClientResponse } from './client-response';

export function sendRelayError(
  res: ClientResponse,
  error: RelayError,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (res.destroyed) return;
  res.status(error.status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (error.extra.retryAfterMs !== undefined) {
    res.setHeader('retry-after', String(Math.max(1, Math.ceil(error.extra.retryAfterMs / 1000))));
  }
  res.json({
    error: {
      message: error.message,
      type: error.extra.type ?? openAiErrorType(error.status),
      code: error.code,
      param: error.extra.param ?? null,
    },
  });
}

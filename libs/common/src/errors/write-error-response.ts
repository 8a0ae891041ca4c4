// Writes an error answer once its body is shaped: the status, Retry-After and any extra headers.
import type { ErrorFacts } from './error-facts';

/** The part of an HTTP response an error is written to (express's Response has it). */
export interface ErrorResponse {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  end(): unknown;
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
  json(body: unknown): unknown;
}

export function writeErrorResponse(
  res: ErrorResponse,
  facts: ErrorFacts,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  // A started answer (a stream) cannot change its status any more: end it, the client sees it cut.
  if (res.headersSent) {
    res.end();
    return;
  }
  if (res.destroyed) return;
  res.status(facts.status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (facts.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(facts.retryAfterSeconds));
  res.json(body);
}

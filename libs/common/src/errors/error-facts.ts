// A failure reduced to what every surface's error shape is built from, so /api, /v1 and the relay
// read a domain error the same way.
import { DomainError, type FieldError } from './domain-error';

export interface ErrorFacts {
  status: number;
  code: string;
  message: string;
  fields?: FieldError[];
  /** OpenAI's `param`: the offending field, if there is one. */
  param?: string | null;
  /** Sent as Retry-After: whole seconds, at least 1 (0 would invite an immediate retry). */
  retryAfterSeconds?: number;
}

export function domainErrorFacts(error: DomainError): ErrorFacts {
  const facts: ErrorFacts = { status: error.status, code: error.code, message: error.message };
  if (error.fields) facts.fields = error.fields;
  const param = error.param !== undefined ? error.param : error.fields?.[0]?.field;
  if (param !== undefined) facts.param = param;
  if (error.retryAfterMs !== undefined) {
    facts.retryAfterSeconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  }
  return facts;
}

// A failed /api call, carrying the server's {statusCode, code, message, errors} when it sent one.
import type { ApiErrorBody, ApiFieldError } from '@gateway/contracts';

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return typeof body['code'] === 'string' && typeof body['message'] === 'string';
}

export class ApiError extends Error {
  readonly status: number;
  /** The server's error code (`invalid_credentials`, `validation_failed`, …), or `network_error`. */
  readonly code: string;
  readonly fieldErrors: ApiFieldError[];

  constructor(status: number, body: unknown) {
    const known = isErrorBody(body) ? body : undefined;
    super(known?.message ?? (status === 0 ? 'network error' : `HTTP ${status}`));
    this.name = 'ApiError';
    this.status = status;
    this.code = known?.code ?? (status === 0 ? 'network_error' : 'http_error');
    this.fieldErrors = known?.errors ?? [];
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

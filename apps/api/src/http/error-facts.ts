import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, domainErrorFacts, type ErrorFacts, type FieldError } from '@gateway/common';
import type { Surface } from './error-shapes';

/** Raised by the global ValidationPipe: every bad field is named. */
export class ValidationFailedException extends HttpException {
  constructor(readonly fields: FieldError[]) {
    super(`invalid fields: ${fields.map((f) => f.field).join(', ')}`, HttpStatus.BAD_REQUEST);
  }
}

/** Errors from body-parser carry `type` and `status`; `type` tells what went wrong. */
interface BodyParserError extends Error {
  type: string;
  status?: number;
  limit?: number;
}

function isBodyParserError(value: unknown): value is BodyParserError {
  return value instanceof Error && typeof (value as Partial<BodyParserError>).type === 'string';
}

/**
 * PostgreSQL refuses text it cannot store (a NUL byte, from a path or a JSON string): the request's
 * fault, wherever the value went, and nothing was written (the statement failed).
 */
function isUnstorableText(value: unknown): boolean {
  if (!(value instanceof Error) || value.name !== 'QueryFailedError') return false;
  const code = (value as { driverError?: { code?: unknown } }).driverError?.code;
  return code === '22021' || code === '22P05';
}

const STATUS_CODES: Record<number, { api: string; openai: string }> = {
  400: { api: 'bad_request', openai: 'invalid_request_error' },
  401: { api: 'unauthenticated', openai: 'invalid_api_key' },
  403: { api: 'forbidden', openai: 'forbidden' },
  404: { api: 'not_found', openai: 'not_found' },
  405: { api: 'method_not_allowed', openai: 'method_not_allowed' },
  413: { api: 'request_too_large', openai: 'request_too_large' },
  415: { api: 'unsupported_media_type', openai: 'unsupported_media_type' },
  429: { api: 'rate_limited', openai: 'rate_limit_exceeded' },
};

function codeForStatus(status: number, surface: Surface): string {
  const known = STATUS_CODES[status];
  if (known) return known[surface];
  return status >= 500 ? 'internal_error' : 'bad_request';
}

/** Reduces anything thrown while handling a request to status, code and a message safe to show. */
export function errorFacts(exception: unknown, surface: Surface): ErrorFacts {
  if (exception instanceof ValidationFailedException) {
    return {
      status: 400,
      code: surface === 'openai' ? 'invalid_request_error' : 'validation_failed',
      message: exception.fields.map((f) => f.messages.join('; ')).join('; '),
      fields: exception.fields,
      param: exception.fields[0]?.field ?? null,
    };
  }
  // Every domain error carries its own status: none may fall through to the bare 500 below.
  if (exception instanceof DomainError) return domainErrorFacts(exception);
  if (isBodyParserError(exception)) return bodyParserFacts(exception, surface);
  // encodeURI (class-validator's email and URL checks use it) throws on a lone UTF-16 surrogate,
  // which a JSON string can carry as an escape ("\ud83d"): the client's text, not a gateway fault.
  if (exception instanceof URIError) {
    return {
      status: 400,
      code: codeFor400(surface, 'invalid_encoding'),
      message: 'a value in the request holds an unpaired UTF-16 surrogate',
    };
  }
  if (isUnstorableText(exception)) {
    return {
      status: 400,
      code: codeFor400(surface, 'invalid_encoding'),
      message: 'a value in the request holds a character that cannot be stored (such as \\u0000)',
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? (response as { message: string[] }).message.join('; ')
          : String((response as { message?: unknown }).message ?? exception.message);
    return { status, code: codeForStatus(status, surface), message };
  }
  return {
    status: 500,
    code: 'internal_error',
    message: 'internal error; the request id in x-request-id finds it in the logs',
  };
}

function bodyParserFacts(error: BodyParserError, surface: Surface): ErrorFacts {
  switch (error.type) {
    case 'entity.parse.failed':
      return {
        status: 400,
        code: codeFor400(surface, 'invalid_json'),
        message: `request body is not valid JSON: ${error.message}`,
      };
    case 'entity.too.large':
      return {
        status: 413,
        code: 'request_too_large',
        message: `request body is larger than ${error.limit} bytes`,
      };
    case 'encoding.invalid':
      return {
        status: 400,
        code: codeFor400(surface, 'invalid_encoding'),
        message: 'request body is not valid UTF-8',
      };
    case 'entity.too.deep':
      return { status: 400, code: codeFor400(surface, 'too_deep'), message: error.message };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { status: 415, code: 'unsupported_media_type', message: error.message };
    case 'request.aborted':
    case 'request.size.invalid':
      return { status: 400, code: codeFor400(surface, 'bad_request'), message: error.message };
    default:
      return {
        status: error.status && error.status < 500 ? error.status : 400,
        code: codeFor400(surface, 'bad_request'),
        message: error.message,
      };
  }
}

function codeFor400(surface: Surface, apiCode: string): string {
  return surface === 'openai' ? 'invalid_request_error' : apiCode;
}

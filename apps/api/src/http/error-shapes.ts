// The two error dialects of the api process: OpenAI's for /v1 (so SDKs surface them) and our own for /api.
import type { Request } from 'express';

export interface FieldError {
  field: string;
  messages: string[];
}

/** A failure reduced to what either dialect needs. */
export interface ErrorFacts {
  status: number;
  code: string;
  message: string;
  fields?: FieldError[];
  /** OpenAI's `param`: the offending field, if there is one. */
  param?: string | null;
}

export type Surface = 'openai' | 'api';

export function surfaceOf(req: Pick<Request, 'path'>): Surface {
  return req.path === '/v1' || req.path.startsWith('/v1/') ? 'openai' : 'api';
}

export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: FieldError[];
}

export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

export function apiErrorBody(facts: ErrorFacts): ApiErrorBody {
  return {
    statusCode: facts.status,
    code: facts.code,
    message: facts.message,
    ...(facts.fields ? { errors: facts.fields } : {}),
  };
}

export function openAiErrorBody(facts: ErrorFacts): OpenAiErrorBody {
  return {
    error: {
      message: facts.message,
      type: openAiErrorType(facts.status),
      code: facts.code,
      param: facts.param ?? facts.fields?.[0]?.field ?? null,
    },
  };
}

function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export function errorBody(surface: Surface, facts: ErrorFacts): ApiErrorBody | OpenAiErrorBody {
  return surface === 'openai' ? openAiErrorBody(facts) : apiErrorBody(facts);
}

// The two error dialects of the api process: OpenAI's for /v1 (so SDKs surface them) and our own for /api.
import type { ErrorFacts, FieldError } from '@gateway/common';
import { openAiErrorBody, type OpenAiErrorBody } from '@gateway/providers';
import type { Request } from 'express';

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

export function apiErrorBody(facts: ErrorFacts): ApiErrorBody {
  return {
    statusCode: facts.status,
    code: facts.code,
    message: facts.message,
    ...(facts.fields ? { errors: facts.fields } : {}),
  };
}

export function errorBody(surface: Surface, facts: ErrorFacts): ApiErrorBody | OpenAiErrorBody {
  return surface === 'openai' ? openAiErrorBody(facts) : apiErrorBody(facts);
}

// The error dialects of the api process: the relay's for /v1 (OpenAI's; Anthropic's under
// /v1/messages, Google's under /v1beta, so each SDK surfaces them) and our own for /api.
import type { ErrorFacts, FieldError } from '@gateway/common';
import {
  anthropicErrorBody,
  geminiErrorBody,
  type GeminiErrorBody,
  openAiErrorBody,
  type AnthropicErrorBody,
  type OpenAiErrorBody,
} from '@gateway/providers';
import type { Request } from 'express';

export type Surface = 'openai' | 'api';

export function surfaceOf(req: Pick<Request, 'path'>): Surface {
  const relayed = req.path === '/v1' || req.path.startsWith('/v1/') || req.path.startsWith('/v1beta/');
  return relayed ? 'openai' : 'api';
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

/**
 * `path` picks the relay ingress's own shape: a malformed or oversized body sent to /v1/messages is
 * answered as Anthropic answers, like every other error there.
 */
export function errorBody(
  surface: Surface,
  facts: ErrorFacts,
  path = '',
): ApiErrorBody | OpenAiErrorBody | AnthropicErrorBody | GeminiErrorBody {
  if (surface === 'api') return apiErrorBody(facts);
  if (path.startsWith('/v1beta/')) return geminiErrorBody(facts);
  return path === '/v1/messages' || path.startsWith('/v1/messages/')
    ? anthropicErrorBody(facts)
    : openAiErrorBody(facts);
}

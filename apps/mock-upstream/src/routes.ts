import { chatCompletions } from './chat-completions';
import { embeddings } from './embeddings';
import { legacyCompletions } from './legacy-completions';
import type { Endpoint } from './mock-response';
import { listModels, retrieveModel } from './models';

export interface Route {
  endpoint: Endpoint;
  /** Whether the request carries a JSON body to read and parse. */
  hasBody: boolean;
}

const ROUTES: Readonly<Record<string, Route>> = {
  'GET /v1/models': { endpoint: listModels, hasBody: false },
  'POST /v1/chat/completions': { endpoint: chatCompletions, hasBody: true },
  'POST /v1/completions': { endpoint: legacyCompletions, hasBody: true },
  'POST /v1/embeddings': { endpoint: embeddings, hasBody: true },
};

const MODEL_PATH = /^\/v1\/models\/([^/]+)$/;

/** The route of `method path` (path without query), or undefined for an unknown URL. */
export function findRoute(method: string, path: string): Route | undefined {
  const route = ROUTES[`${method} ${path}`];
  if (route !== undefined) return route;
  const modelId = method === 'GET' ? MODEL_PATH.exec(path)?.[1] : undefined;
  if (modelId === undefined) return undefined;
  try {
    return { endpoint: retrieveModel(decodeURIComponent(modelId)), hasBody: false };
  } catch {
    return undefined; // a malformed %-escape: no such model URL
  }
}

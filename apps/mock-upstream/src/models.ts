import { HttpError } from './http-error';
import type { Endpoint } from './mock-response';

/** The models `GET /v1/models` lists. Other endpoints accept any model name and echo it. */
export const MOCK_MODELS: readonly string[] = ['mock-gpt', 'mock-gpt-mini', 'mock-embed'];

// A fixed timestamp keeps the listing byte-for-byte deterministic.
const CREATED = 1_700_000_000;

function model(id: string): object {
  return { id, object: 'model', created: CREATED, owned_by: 'mock-upstream' };
}

export const listModels: Endpoint = () => ({
  kind: 'json',
  body: { object: 'list', data: MOCK_MODELS.map(model) },
});

export function retrieveModel(id: string): Endpoint {
  return () => {
    if (!MOCK_MODELS.includes(id)) {
      throw new HttpError(
        404,
        `The model '${id}' does not exist`,
        'invalid_request_error',
        'model',
        'model_not_found',
      );
    }
    return { kind: 'json', body: model(id) };
  };
}

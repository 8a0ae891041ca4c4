import type { Endpoint } from '../mock-response';
import { HttpError } from '../http-error';

/** The models `GET /v1/models` lists to an Anthropic client. Messages accept any model name. */
export const MOCK_ANTHROPIC_MODELS: readonly string[] = ['mock-claude', 'mock-claude-haiku'];

function model(id: string): object {
  return { type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' };
}

export const listAnthropicModels: Endpoint = () => ({
  kind: 'json',
  body: {
    data: MOCK_ANTHROPIC_MODELS.map(model),
    has_more: false,
    first_id: MOCK_ANTHROPIC_MODELS[0],
    last_id: MOCK_ANTHROPIC_MODELS[MOCK_ANTHROPIC_MODELS.length - 1],
  },
});

export function retrieveAnthropicModel(id: string): Endpoint {
  return () => {
    if (!MOCK_ANTHROPIC_MODELS.includes(id)) throw new HttpError(404, `model: ${id}`, 'not_found_error');
    return { kind: 'json', body: model(id) };
  };
}

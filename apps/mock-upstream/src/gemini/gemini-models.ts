import type { Endpoint } from '../mock-response';
import { isJsonObject } from '../request-fields';
import { countGeminiPromptTokens } from '../token-count';
import { geminiContents } from './gemini-request';

/** The models `GET /v1beta/models` lists. Generation accepts any model name. */
export const MOCK_GEMINI_MODELS: readonly string[] = ['mock-gemini', 'mock-gemini-flash'];

function model(id: string): object {
  return {
    name: `models/${id}`,
    version: '001',
    displayName: id,
    description: 'A deterministic fake model of mock-upstream.',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
    temperature: 1,
    maxTemperature: 2,
    topP: 0.95,
    topK: 64,
    thinking: true,
  };
}

export const listGeminiModels: Endpoint = () => ({
  kind: 'json',
  body: { models: MOCK_GEMINI_MODELS.map(model) },
});

/** `POST /v1beta/models/{model}:countTokens`: `contents`, or a whole `generateContentRequest`. */
export const geminiCountTokens: Endpoint = ({ body }) => {
  const request = isJsonObject(body['generateContentRequest']) ? body['generateContentRequest'] : body;
  const total = countGeminiPromptTokens(request['systemInstruction'], geminiContents(request));
  return {
    kind: 'json',
    body: { totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] },
  };
};

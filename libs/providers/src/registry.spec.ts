import { classifyAnthropicError } from './anthropic/error';
import { classifyUpstreamError } from './errors/classify-upstream-error';
import { classifyGeminiError } from './gemini/error';
import { openAiAdapter } from './openai/openai-adapter';
import { adapterFor, errorClassifierFor, isProviderType, PROVIDER_TYPES } from './registry';

describe('provider registry', () => {
  it('maps every channel type with a wire format to its adapter', () => {
    expect(adapterFor('openai')).toBe(openAiAdapter);
    expect(PROVIDER_TYPES).toEqual(['openai', 'azure-openai', 'anthropic', 'gemini']);
    for (const type of PROVIDER_TYPES) expect(adapterFor(type)?.endpoints).toContain('chat.completions');
  });

  it('serves legacy completions only through OpenAI-compatible channels, embeddings through Azure too', () => {
    for (const type of ['anthropic', 'gemini']) {
      expect(adapterFor(type)?.endpoints).toEqual(['chat.completions']);
    }
    expect(adapterFor('azure-openai')?.endpoints).toEqual(['chat.completions', 'embeddings']);
    expect(openAiAdapter.endpoints).toEqual(['chat.completions', 'completions', 'embeddings']);
  });

  it('knows no adapter for unknown types, nor for inherited property names', () => {
    for (const type of ['cohere', 'toString', '__proto__', '']) {
      expect(adapterFor(type)).toBeUndefined();
      expect(isProviderType(type)).toBe(false);
    }
  });

  it("reads a type's errors with its adapter's classifier, and with the shared default where none speaks it", () => {
    expect(errorClassifierFor('openai')).toBe(openAiAdapter.classifyError);
    expect(errorClassifierFor('anthropic')).toBe(classifyAnthropicError);
    expect(errorClassifierFor('gemini')).toBe(classifyGeminiError);
    expect(errorClassifierFor('azure-openai')).toBe(classifyUpstreamError);
    expect(errorClassifierFor('cohere')).toBe(classifyUpstreamError);
  });
});

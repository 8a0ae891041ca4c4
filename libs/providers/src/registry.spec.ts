import { classifyUpstreamError } from './errors/classify-upstream-error';
import { openAiAdapter } from './openai/openai-adapter';
import { adapterFor, errorClassifierFor, isProviderType, PROVIDER_TYPES } from './registry';

describe('provider registry', () => {
  it('maps the openai channel type to the OpenAI adapter', () => {
    expect(adapterFor('openai')).toBe(openAiAdapter);
    expect(PROVIDER_TYPES).toEqual(['openai']);
  });

  it('knows no adapter for types not built yet, nor for inherited property names', () => {
    for (const type of ['anthropic', 'gemini', 'azure-openai', 'toString', '__proto__', '']) {
      expect(adapterFor(type)).toBeUndefined();
      expect(isProviderType(type)).toBe(false);
    }
  });

  it("reads a type's errors with its adapter's classifier, and with the shared default where none speaks it", () => {
    expect(errorClassifierFor('openai')).toBe(openAiAdapter.classifyError);
    expect(errorClassifierFor('gemini')).toBe(classifyUpstreamError);
    expect(errorClassifierFor('azure-openai')).toBe(classifyUpstreamError);
  });
});

import { openAiAdapter } from './openai/openai-adapter';
import { adapterFor, isProviderType, PROVIDER_TYPES } from './registry';

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
});

import { anthropicCodec } from './anthropic-codec';
import { buildAnthropicProbe } from './probe';
import { AnthropicStreamDecoder, AnthropicStreamEncoder } from './stream';

describe('anthropicCodec', () => {
  it('is the Anthropic request, response and stream code behind the CanonicalCodec contract', () => {
    const request = anthropicCodec.parseRequest({
      model: 'm',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const call = anthropicCodec.buildRequest(request, {
      baseUrl: 'https://api.anthropic.com',
      apiKey: 'k',
      upstreamModel: 'u',
      settings: {},
    });
    expect(call.body).toEqual({
      model: 'u',
      max_tokens: 5,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(anthropicCodec.createStreamDecoder()).toBeInstanceOf(AnthropicStreamDecoder);
    expect(anthropicCodec.createStreamEncoder()).toBeInstanceOf(AnthropicStreamEncoder);
    expect(
      anthropicCodec.decodeResponse({ id: 'a', model: 'b', content: [], stop_reason: 'end_turn' })
        .finishReason,
    ).toBe('stop');
  });
});

describe('buildAnthropicProbe', () => {
  it('lists one model with the key and version headers: no tokens spent, the key never in the URL', () => {
    const probe = buildAnthropicProbe({
      baseUrl: 'https://api.anthropic.com/',
      apiKey: 'sk-ant-secret',
      settings: { anthropicVersion: '2023-06-01' },
    });
    expect(probe).toEqual({
      method: 'GET',
      url: 'https://api.anthropic.com/v1/models?limit=1',
      headers: {
        'x-api-key': 'sk-ant-secret',
        'anthropic-version': '2023-06-01',
        accept: 'application/json',
      },
    });
  });
});

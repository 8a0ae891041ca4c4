import {
  anthropicSignature,
  isAnthropicSigned,
  readAnthropicSignature,
  withoutForeignThinking,
} from './thinking-signature';

describe('thinking signatures on Anthropic’s wire', () => {
  it("gives an Anthropic client Anthropic's own signature as it is, and marks every other", () => {
    expect(anthropicSignature({ signature: 'RXFRQkNn', signedBy: 'anthropic' })).toBe('RXFRQkNn');
    expect(anthropicSignature({ signature: 'c2ln', signedBy: 'gemini' })).toBe('llm-gateway:gemini:c2ln');
    expect(anthropicSignature({})).toBe('llm-gateway:unsigned:');
    expect(anthropicSignature({ signature: '', signedBy: 'anthropic' })).toBe('llm-gateway:anthropic:');
  });

  it('reads a signature back: the mark gives its origin, anything else is Anthropic’s, empty is none', () => {
    expect(readAnthropicSignature('RXFRQkNn')).toEqual({ signature: 'RXFRQkNn', signedBy: 'anthropic' });
    expect(readAnthropicSignature('llm-gateway:gemini:c2ln')).toEqual({
      signature: 'c2ln',
      signedBy: 'gemini',
    });
    expect(readAnthropicSignature('llm-gateway:gemini:')).toEqual({ signedBy: 'gemini' });
    expect(readAnthropicSignature('llm-gateway:unsigned:')).toEqual({});
    expect(readAnthropicSignature('')).toEqual({});
    // Only Anthropic makes Anthropic's signatures: a mark claiming it is no signature.
    expect(readAnthropicSignature('llm-gateway:anthropic:RXFRQkNn')).toEqual({});
    for (const signed of [{ signature: 'c2ln', signedBy: 'gemini' }, {}, { signedBy: 'gemini' }]) {
      expect(readAnthropicSignature(anthropicSignature(signed))).toEqual(signed);
    }
  });

  it('lets only what Anthropic may verify go to Anthropic: its own, or one whose maker is unknown', () => {
    expect(isAnthropicSigned({ signature: 'RXFRQkNn', signedBy: 'anthropic' })).toBe(true);
    expect(isAnthropicSigned({ signature: 'RXFRQkNn' })).toBe(true);
    expect(isAnthropicSigned({ signature: 'c2ln', signedBy: 'gemini' })).toBe(false);
    expect(isAnthropicSigned({ signature: '' })).toBe(false);
    expect(isAnthropicSigned({})).toBe(false);
  });

  it('leaves out of a passed-through body the thinking Anthropic did not sign, and nothing else', () => {
    const own = { type: 'thinking', thinking: 'mine', signature: 'RXFRQkNn' };
    const body = {
      model: 'claude',
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'from gemini', signature: 'llm-gateway:gemini:c2ln' },
            { type: 'thinking', thinking: 'unsigned', signature: '' },
            own,
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'text', text: 'answer', cache_control: { type: 'ephemeral' } },
          ],
        },
        { role: 'user', content: 'and?' },
      ],
    };
    expect(withoutForeignThinking(body)).toEqual({
      ...body,
      messages: [
        body.messages[0],
        {
          role: 'assistant',
          content: [
            own,
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'text', text: 'answer', cache_control: { type: 'ephemeral' } },
          ],
        },
        body.messages[2],
      ],
    });
    const clean = { ...body, messages: [body.messages[0], { role: 'assistant', content: [own] }] };
    expect(withoutForeignThinking(clean)).toBe(clean);
  });
});

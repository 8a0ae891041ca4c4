import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anthropicCodec } from '../anthropic/anthropic-codec';
import type { StreamObserver, UpstreamCallInput } from '../provider-adapter';
import { adapterFor } from '../registry';
import { SseDecoder } from '../sse/sse-decoder';
import { ingressAttempt, type IngressRequest } from './ingress-attempt';

const anthropic = adapterFor('anthropic')!;
const gemini = adapterFor('gemini')!;
const openai = adapterFor('openai')!;

const TARGET: UpstreamCallInput = {
  upstreamModel: 'upstream-model',
  baseUrl: 'https://upstream.example',
  apiKey: 'sk-secret-key-0001',
  settings: {},
  heldOutputTokens: 4096,
};

function messages(body: Record<string, unknown>): IngressRequest {
  const sent = { model: 'client-model', messages: [{ role: 'user', content: 'hi' }], ...body };
  return { codec: anthropicCodec, request: anthropicCodec.parseRequest(sent), body: sent };
}

function replay(observer: StreamObserver, file: string, cleanEnd = true): string {
  const bytes = readFileSync(join(__dirname, '..', 'anthropic', '__fixtures__', file));
  const sse = new SseDecoder();
  let out = '';
  for (const event of [...sse.push(new Uint8Array(bytes)), ...sse.end()]) {
    const observed = observer.observe(event);
    if (!observed.suppress) out += 'text' in observed ? observed.text : '<event>';
  }
  if (cleanEnd) out += observer.end?.() ?? '';
  return out;
}

describe('a canonical ingress served by a channel', () => {
  it("passes a same-format body through with only the channel's model changed", () => {
    const ingress = messages({ max_tokens: 50, metadata: { user_id: 'u1' }, stream: true });
    const prepared = ingressAttempt(anthropic, ingress).prepareRequest(TARGET);
    expect(prepared.body).toEqual({ ...ingress.body, model: 'upstream-model' });
    expect(prepared.url).toBe('https://upstream.example/v1/messages');
    expect(prepared.headers['x-api-key']).toBe(TARGET.apiKey);
    // Pass-through answers go out as they came.
    expect(ingressAttempt(anthropic, ingress).translateResponse).toBeUndefined();
  });

  it('passes a same-format body the client set no ceiling in through with the held one written in', () => {
    const sent = {
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      cachedContent: 'cachedContents/abc',
      generationConfig: { temperature: 0.2 },
    };
    const ingress = {
      codec: gemini.codec,
      request: gemini.codec.parseRequest(sent, { model: 'client-model' }),
      body: sent,
    };
    const prepared = ingressAttempt(gemini, ingress).prepareRequest(TARGET);
    expect(prepared.body).toEqual({ ...sent, generationConfig: { temperature: 0.2, maxOutputTokens: 4096 } });
    expect(ingressAttempt(gemini, ingress).translateResponse).toBeUndefined();
  });

  it("leaves out of a same-format body the thinking Anthropic did not sign (another format's, marked by the gateway)", () => {
    const assistant = {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'from gemini', signature: 'llm-gateway:gemini:c2ln' },
        { type: 'text', text: 'answer' },
      ],
    };
    const ingress = messages({
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }, assistant, { role: 'user', content: 'and?' }],
    });
    const prepared = ingressAttempt(anthropic, ingress).prepareRequest(TARGET);
    expect(prepared.body['messages']).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: [{ type: 'text', text: 'answer' }] },
      { role: 'user', content: 'and?' },
    ]);
    // A Gemini channel gets its own thought signature back.
    const toGemini = ingressAttempt(gemini, ingress).prepareRequest(TARGET);
    expect(toGemini.body['contents']).toContainEqual({
      role: 'model',
      parts: [{ text: 'from gemini', thought: true, thoughtSignature: 'c2ln' }, { text: 'answer' }],
    });
  });

  it('translates to another format, asking for no more output than the client set', () => {
    const prepared = ingressAttempt(openai, messages({ max_tokens: 50, system: 'be brief' })).prepareRequest(
      TARGET,
    );
    expect(prepared.body).toMatchObject({
      model: 'upstream-model',
      max_tokens: 50,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
    });
    const toGemini = ingressAttempt(gemini, messages({ max_tokens: 50 })).prepareRequest(TARGET);
    expect(toGemini.body['generationConfig']).toMatchObject({ maxOutputTokens: 50 });
  });

  it('forwards a same-format stream event by event, adding no terminator of its own, and counts it', () => {
    const observer = ingressAttempt(
      anthropic,
      messages({ max_tokens: 50, stream: true }),
    ).createStreamObserver({ clientAskedForUsage: true, promptTokens: 3 });
    const raw = readFileSync(
      join(__dirname, '..', 'anthropic', '__fixtures__', 'messages-stream-text.sse'),
      'utf8',
    );
    const out = replay(observer, 'messages-stream-text.sse');
    expect(out.match(/^event: message_stop$/gm)).toHaveLength(1);
    // Every upstream event reaches the client, in order.
    const names = (text: string) => [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    expect(names(out)).toEqual(names(raw));
    const outcome = observer.outcome();
    expect(outcome.sawDone).toBe(true);
    expect(outcome.usageSource).toBe('upstream');
    expect(outcome.firstContentAt).not.toBeNull();
  });

  it("ends a cut same-format stream with the ingress's error event, never message_stop", () => {
    const observer = ingressAttempt(
      anthropic,
      messages({ max_tokens: 50, stream: true }),
    ).createStreamObserver({ clientAskedForUsage: true, promptTokens: 3 });
    const out = replay(observer, 'messages-stream-dropped.sse', false);
    expect(observer.outcome().sawDone).toBe(false);
    const failed =
      observer.fail?.('the upstream closed the stream before it finished', 'upstream_error') ?? '';
    expect(out + failed).not.toContain('message_stop');
    expect(failed).toMatch(/^event: error$/m);
  });
});

import {
  ANTHROPIC_VERSION,
  buildHealthCheckRequest,
  buildProbeRequest,
  DEFAULT_AZURE_API_VERSION,
} from './probe-request';

const KEY = 'sk-test-0123456789abcdef';

describe('buildProbeRequest', () => {
  it('openai: POST {baseUrl}/chat/completions with a bearer key and max_tokens 1', () => {
    const req = buildProbeRequest(
      { type: 'openai', baseUrl: 'https://api.openai.com/v1', upstreamModel: 'gpt-4o-mini', settings: {} },
      KEY,
    );
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(req.headers).toMatchObject({ authorization: `Bearer ${KEY}`, 'content-type': 'application/json' });
    expect(JSON.parse(req.body ?? '')).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'ping' }],
      max_tokens: 1,
    });
  });

  it('azure-openai: deployment in the path, api-version in the query, api-key header', () => {
    const req = buildProbeRequest(
      {
        type: 'azure-openai',
        baseUrl: 'https://res.openai.azure.com',
        upstreamModel: 'my-gpt4o',
        settings: {},
      },
      KEY,
    );
    expect(req.url).toBe(
      `https://res.openai.azure.com/openai/deployments/my-gpt4o/chat/completions?api-version=${DEFAULT_AZURE_API_VERSION}`,
    );
    expect(req.headers['api-key']).toBe(KEY);
    expect(req.headers['authorization']).toBeUndefined();
    expect(JSON.parse(req.body ?? '')).toEqual({
      messages: [{ role: 'user', content: 'ping' }],
      max_tokens: 1,
    });
  });

  it('azure-openai: settings.apiVersion overrides the default', () => {
    const req = buildProbeRequest(
      {
        type: 'azure-openai',
        baseUrl: 'https://res.openai.azure.com',
        upstreamModel: 'gpt-4o',
        settings: { apiVersion: '2025-01-01-preview' },
      },
      KEY,
    );
    expect(new URL(req.url).searchParams.get('api-version')).toBe('2025-01-01-preview');
  });

  it('anthropic: POST {baseUrl}/v1/messages with x-api-key and anthropic-version', () => {
    const req = buildProbeRequest(
      {
        type: 'anthropic',
        baseUrl: 'https://api.anthropic.com',
        upstreamModel: 'claude-3-5-haiku-latest',
        settings: {},
      },
      KEY,
    );
    expect(req.url).toBe('https://api.anthropic.com/v1/messages');
    expect(req.headers).toMatchObject({ 'x-api-key': KEY, 'anthropic-version': ANTHROPIC_VERSION });
    expect(req.headers['authorization']).toBeUndefined();
    expect(JSON.parse(req.body ?? '')).toEqual({
      model: 'claude-3-5-haiku-latest',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'ping' }],
    });
  });

  it('anthropic: does not double a /v1 the operator already wrote', () => {
    const req = buildProbeRequest(
      { type: 'anthropic', baseUrl: 'https://api.anthropic.com/v1', upstreamModel: 'claude', settings: {} },
      KEY,
    );
    expect(req.url).toBe('https://api.anthropic.com/v1/messages');
  });

  it('gemini: POST {baseUrl}/v1beta/models/{model}:generateContent with x-goog-api-key, never ?key=', () => {
    const req = buildProbeRequest(
      {
        type: 'gemini',
        baseUrl: 'https://generativelanguage.googleapis.com',
        upstreamModel: 'models/gemini-2.0-flash',
        settings: {},
      },
      KEY,
    );
    expect(req.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent',
    );
    expect(req.url).not.toContain(KEY);
    expect(req.headers['x-goog-api-key']).toBe(KEY);
    expect(JSON.parse(req.body ?? '')).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'ping' }] }],
      generationConfig: { maxOutputTokens: 1 },
    });
  });

  it('gemini: keeps a /v1beta base as it is', () => {
    const req = buildProbeRequest(
      { type: 'gemini', baseUrl: 'https://proxy.example/v1beta', upstreamModel: 'gemini-pro', settings: {} },
      KEY,
    );
    expect(req.url).toBe('https://proxy.example/v1beta/models/gemini-pro:generateContent');
  });
});

describe('buildHealthCheckRequest', () => {
  const target = (type: 'openai' | 'anthropic' | 'gemini' | 'azure-openai', baseUrl: string) => ({
    type,
    baseUrl,
    upstreamModel: 'm',
    settings: {},
  });

  it('openai: GET {baseUrl}/models with the bearer key, no body', () => {
    const req = buildHealthCheckRequest(target('openai', 'https://api.openai.com/v1'), KEY);
    expect(req).toEqual({
      method: 'GET',
      url: 'https://api.openai.com/v1/models',
      headers: { accept: 'application/json', authorization: `Bearer ${KEY}` },
    });
  });

  it('anthropic: GET /v1/models with x-api-key and the API version', () => {
    const req = buildHealthCheckRequest(target('anthropic', 'https://api.anthropic.com'), KEY);
    expect(req.method).toBe('GET');
    expect(req.url).toBe('https://api.anthropic.com/v1/models?limit=1');
    expect(req.headers).toMatchObject({ 'x-api-key': KEY, 'anthropic-version': ANTHROPIC_VERSION });
    expect(req.body).toBeUndefined();
  });

  it('gemini: GET /v1beta/models with the key in a header, never in the URL', () => {
    const req = buildHealthCheckRequest(target('gemini', 'https://generativelanguage.googleapis.com'), KEY);
    expect(req.url).toBe('https://generativelanguage.googleapis.com/v1beta/models?pageSize=1');
    expect(req.url).not.toContain(KEY);
    expect(req.headers['x-goog-api-key']).toBe(KEY);
  });

  it('settings.healthCheck "completion": the 1-token chat, for a server whose model list is open', () => {
    const req = buildHealthCheckRequest(
      {
        type: 'openai',
        baseUrl: 'http://ollama:11434/v1',
        upstreamModel: 'llama3',
        settings: { healthCheck: 'completion' },
      },
      KEY,
    );
    expect(req.method).toBe('POST');
    expect(req.url).toBe('http://ollama:11434/v1/chat/completions');
    expect(JSON.parse(req.body ?? '')).toMatchObject({ model: 'llama3', max_tokens: 1 });
  });

  it('azure-openai: the 1-token completion on the deployment', () => {
    const req = buildHealthCheckRequest(target('azure-openai', 'https://r.openai.azure.com'), KEY);
    expect(req.method).toBe('POST');
    expect(req.url).toContain('/openai/deployments/m/chat/completions');
    expect(JSON.parse(req.body ?? '')).toMatchObject({ max_tokens: 1 });
  });
});

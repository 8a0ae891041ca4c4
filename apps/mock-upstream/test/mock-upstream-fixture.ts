// The specs' mock upstream: one server for a suite, its recorded requests and behaviour reset before
// each test, and the official SDK clients pointed at it (no retries, so a test sees each answer as sent).
import Anthropic, { type ClientOptions as AnthropicOptions } from '@anthropic-ai/sdk';
import type * as GenAI from '@google/genai' with { 'resolution-mode': 'import' };
import type { GoogleGenAI, HttpOptions } from '@google/genai' with { 'resolution-mode': 'import' };
import OpenAI, { AzureOpenAI, type ClientOptions } from 'openai';
import { startMockUpstream, type MockUpstream } from '../src/mock-upstream';

// @google/genai's Node types are ESM-only while this code compiles to CommonJS: its types come by
// a type import, the code by require (which resolves the package's own CommonJS build).
export const genai = require('@google/genai') as typeof GenAI;

export interface MockUpstreamFixture {
  /** The running mock (valid from beforeAll on). */
  readonly mock: MockUpstream;
  /** The SDK against the mock; the key carries the mock's per-request directives (`sk;tokens=6`). */
  client(apiKey?: string, options?: ClientOptions): OpenAI;
  /** Anthropic's SDK against the mock's Messages API. */
  anthropic(apiKey?: string, options?: AnthropicOptions): Anthropic;
  /** Google's Gen AI SDK against the mock's Gemini API (key sent as `x-goog-api-key`). */
  gemini(apiKey?: string, httpOptions?: HttpOptions): GoogleGenAI;
  /** OpenAI's Azure client against the mock's deployment route. */
  azure(apiKey?: string, deployment?: string): AzureOpenAI;
}

export function mockUpstreamPerSuite(): MockUpstreamFixture {
  let mock: MockUpstream | undefined;
  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  beforeEach(() => mock?.reset());
  afterAll(() => mock?.close());
  const running = (): MockUpstream => {
    if (!mock) throw new Error('the mock upstream starts in beforeAll');
    return mock;
  };
  return {
    get mock() {
      return running();
    },
    client: (apiKey = 'sk-mock', options = {}) =>
      new OpenAI({ apiKey, baseURL: running().baseUrl, maxRetries: 0, ...options }),
    anthropic: (apiKey = 'sk-ant-mock', options = {}) =>
      new Anthropic({ apiKey, baseURL: running().url, maxRetries: 0, ...options }),
    gemini: (apiKey = 'AIza-mock', httpOptions = {}) =>
      new genai.GoogleGenAI({
        apiKey,
        httpOptions: {
          baseUrl: running().url,
          retryOptions: { attempts: 1 },
          // Under Jest the SDK's own fetch fails every request ("fetch failed", a realm mismatch);
          // the test realm's fetch works, and plain Node needs none of this.
          fetch: (input, init) => fetch(input, init),
          ...httpOptions,
        },
      }),
    azure: (apiKey = 'azure-mock', deployment = 'my-gpt') =>
      new AzureOpenAI({
        apiKey,
        endpoint: running().url,
        apiVersion: '2024-10-21',
        deployment,
        maxRetries: 0,
      }),
  };
}

// The specs' mock upstream: one server for a suite, its recorded requests and behaviour reset before
// each test, and an OpenAI SDK client pointed at it (no retries, so a test sees each answer as sent).
import OpenAI, { type ClientOptions } from 'openai';
import { startMockUpstream, type MockUpstream } from '../src/mock-upstream';

export interface MockUpstreamFixture {
  /** The running mock (valid from beforeAll on). */
  readonly mock: MockUpstream;
  /** The SDK against the mock; the key carries the mock's per-request directives (`sk;tokens=6`). */
  client(apiKey?: string, options?: ClientOptions): OpenAI;
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
  };
}

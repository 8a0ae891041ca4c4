import { errors } from 'undici';
import { runInNewContext } from 'node:vm';
import { classifyUpstreamFailure } from './upstream-failure';

describe('classifyUpstreamFailure', () => {
  it("reads undici's timeouts as timeouts", () => {
    for (const error of [
      new errors.HeadersTimeoutError(),
      new errors.BodyTimeoutError(),
      new errors.ConnectTimeoutError(),
      new errors.RequestAbortedError(),
    ]) {
      expect(classifyUpstreamFailure(error)).toMatchObject({ kind: 'retry', cause: 'timeout' });
    }
    expect(classifyUpstreamFailure(new errors.HeadersTimeoutError()).code).toBe('UND_ERR_HEADERS_TIMEOUT');
  });

  it("reads AbortSignal.timeout's and fetch's errors, which carry only a name, as timeouts", () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(classifyUpstreamFailure(timeout)).toMatchObject({ cause: 'timeout', code: null });
    expect(classifyUpstreamFailure(new TypeError('fetch failed', { cause: timeout }))).toMatchObject({
      cause: 'timeout',
    });
    expect(classifyUpstreamFailure(new DOMException('aborted', 'AbortError'))).toMatchObject({
      cause: 'timeout',
    });
  });

  it('reads a refused or reset connection as connect, with its code and message', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(classifyUpstreamFailure(refused)).toEqual({
      kind: 'retry',
      cause: 'connect',
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:9',
    });
    const wrapped = new TypeError('fetch failed', { cause: refused });
    expect(classifyUpstreamFailure(wrapped)).toMatchObject({ cause: 'connect', code: 'ECONNREFUSED' });
    expect(classifyUpstreamFailure(new errors.SocketError('other side closed'))).toMatchObject({
      cause: 'connect',
      code: 'UND_ERR_SOCKET',
    });
  });

  it('classifies an error made in another realm by its code', () => {
    const foreign = runInNewContext(
      "Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' })",
    ) as Error;
    expect(foreign instanceof Error).toBe(false);
    expect(classifyUpstreamFailure(foreign)).toMatchObject({ cause: 'timeout' });
  });

  it('copes with things thrown that are not errors', () => {
    expect(classifyUpstreamFailure(undefined)).toMatchObject({
      cause: 'connect',
      code: null,
      message: 'request failed',
    });
    expect(classifyUpstreamFailure('boom')).toMatchObject({ cause: 'connect', message: 'boom' });
  });
});

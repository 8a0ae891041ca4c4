import express from 'express';
import request from 'supertest';
import { RelayError, RelayErrorCode } from '../relay.errors';
import { sendRelayError } from './send-relay-error';

function appSending(error: RelayError, headers?: Record<string, string>) {
  const app = express();
  app.get('/v1/x', (_req, res) => sendRelayError(res, error, headers));
  return request(app).get('/v1/x');
}

describe('sendRelayError', () => {
  it('402 insufficient_quota carries type insufficient_quota', async () => {
    const res = await appSending(
      new RelayError(RelayErrorCode.InsufficientQuota, 'the balance is spent'),
    ).expect(402);
    expect(res.body).toEqual({
      error: {
        message: 'the balance is spent',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
        param: null,
      },
    });
  });

  it('404 model_not_found is an invalid_request_error naming the model param', async () => {
    const res = await appSending(
      new RelayError(RelayErrorCode.ModelNotFound, 'no such model', { param: 'model' }),
    ).expect(404);
    expect(res.body.error).toEqual({
      message: 'no such model',
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
    });
  });

  it('429 sends Retry-After in whole seconds and the extra headers', async () => {
    const res = await appSending(
      new RelayError(RelayErrorCode.UpstreamsRateLimited, 'cooling', { retryAfterMs: 4200 }),
      { 'x-fallback-attempts': '2' },
    ).expect(429);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['x-fallback-attempts']).toBe('2');
    expect(res.body.error).toMatchObject({ type: 'rate_limit_error', code: 'upstreams_rate_limited' });
  });

  it('passes an upstream’s rejection on with its own status, code and type', async () => {
    const res = await appSending(
      new RelayError('context_length_exceeded', 'too long', {
        status: 422,
        param: 'messages',
        type: 'invalid_request_error',
      }),
    ).expect(422);
    expect(res.body.error).toEqual({
      message: 'too long',
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      param: 'messages',
    });
  });

  it('an unknown upstream code without a status is a 502', async () => {
    const res = await appSending(new RelayError('weird_upstream_code', 'odd')).expect(502);
    expect(res.body.error).toMatchObject({ type: 'server_error', code: 'weird_upstream_code' });
  });
});

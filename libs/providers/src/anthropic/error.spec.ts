import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UpstreamVerdictKind } from '../errors/classify-upstream-error';
import {
  anthropicErrorBody,
  anthropicErrorType,
  anthropicStreamErrorEvent,
  classifyAnthropicError,
} from './error';

interface RecordedError {
  status: number;
  body: { type: 'error'; error: { type: string; message: string } };
}
const ERRORS = JSON.parse(
  readFileSync(join(__dirname, '__fixtures__', 'errors.json'), 'utf8'),
) as RecordedError[];

const KIND: Record<string, UpstreamVerdictKind> = {
  invalid_request_error: 'client_error',
  authentication_error: 'bad_key',
  billing_error: 'out_of_credit',
  permission_error: 'bad_key',
  not_found_error: 'client_error',
  request_too_large: 'client_error',
  rate_limit_error: 'rate_limited',
  api_error: 'retry',
  timeout_error: 'retry',
  overloaded_error: 'retry',
};

describe('classifyAnthropicError', () => {
  it.each(ERRORS.map((e) => [e.body.error.type, e.status, e] as const))(
    '%s (%d)',
    (type, status, recorded) => {
      const verdict = classifyAnthropicError({ status, headers: {}, body: JSON.stringify(recorded.body) }, 0);
      expect(verdict.kind).toBe(KIND[type]);
      expect(verdict.error).toMatchObject({ type, message: recorded.body.error.message });
    },
  );

  it('retries an overloaded_error whatever status a proxy gave it, and reads Retry-After', () => {
    const body = JSON.stringify({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    expect(classifyAnthropicError({ status: 400, headers: {}, body }, 0).kind).toBe('retry');
    const rateLimited = classifyAnthropicError(
      {
        status: 429,
        headers: { 'retry-after': '7' },
        body: JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'slow' } }),
      },
      0,
    );
    expect(rateLimited).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
  });

  it('a billing_error is out of credit even on a 400, a 529 without a body is retried', () => {
    const body = JSON.stringify({ type: 'error', error: { type: 'billing_error', message: 'low balance' } });
    expect(classifyAnthropicError({ status: 400, headers: {}, body }, 0).kind).toBe('out_of_credit');
    expect(classifyAnthropicError({ status: 529, headers: {}, body: '' }, 0).kind).toBe('retry');
  });

  it('an invalid_request_error saying the credit balance is too low is out of credit (what Anthropic sends)', () => {
    const said = (message: string) =>
      JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } });
    const lowCredit = said(
      'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
    );
    expect(classifyAnthropicError({ status: 400, headers: {}, body: lowCredit }, 0).kind).toBe(
      'out_of_credit',
    );
    expect(
      classifyAnthropicError({ status: 400, headers: {}, body: said('max_tokens: Field required') }, 0).kind,
    ).toBe('client_error');
  });
});

describe('gateway errors in Anthropic shape', () => {
  it.each(ERRORS.map((e) => [e.status, e.body.error.type] as const))('status %d is %s', (status, type) => {
    expect(anthropicErrorType(status)).toBe(type);
  });

  it('falls back by status class and keeps an upstream type passed on', () => {
    expect(anthropicErrorType(422)).toBe('invalid_request_error');
    expect(anthropicErrorType(502)).toBe('api_error');
    expect(anthropicErrorType(503)).toBe('overloaded_error');
    expect(anthropicErrorBody({ status: 429, message: 'Too many requests', requestId: 'req_1' })).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Too many requests' },
      request_id: 'req_1',
    });
    expect(anthropicErrorBody({ status: 500, message: 'x', type: 'overloaded_error' }).error.type).toBe(
      'overloaded_error',
    );
  });

  it('writes the stream error event', () => {
    expect(anthropicStreamErrorEvent('api_error', 'broke')).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"broke"}}\n\n',
    );
  });
});

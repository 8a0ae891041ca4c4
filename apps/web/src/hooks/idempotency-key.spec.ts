import { ApiError } from '../api/api-error';
import { keepsIdempotencyKey, newIdempotencyKey } from './idempotency-key';

describe('the console’s Idempotency-Key', () => {
  it('is 32 hex characters, new each time', () => {
    const keys = new Set(Array.from({ length: 100 }, newIdempotencyKey));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('is kept for a retry only when no answer came or the first save still runs or never answered', () => {
    const answered = (status: number, code: string) => new ApiError(status, { code, message: code });
    expect(keepsIdempotencyKey(new ApiError(0, null))).toBe(true);
    expect(keepsIdempotencyKey(answered(409, 'idempotency_key_in_use'))).toBe(true);
    // The first save may have moved the money: a new key would move it again.
    expect(keepsIdempotencyKey(answered(409, 'idempotency_key_unresolved'))).toBe(true);
    expect(keepsIdempotencyKey(answered(400, 'validation_failed'))).toBe(false);
    expect(keepsIdempotencyKey(answered(409, 'invoice_not_payable'))).toBe(false);
    expect(keepsIdempotencyKey(answered(422, 'idempotency_key_reused'))).toBe(false);
    expect(keepsIdempotencyKey(answered(502, 'payment_provider_unavailable'))).toBe(false);
    expect(keepsIdempotencyKey(new Error('not from the api'))).toBe(false);
  });
});

import { classifyUpstreamError } from './classify-upstream-error';
import { bodyResetAfterMs, retryAfterMs } from './retry-after';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads seconds, fractional seconds and OpenAI retry-after-ms (which wins)', () => {
    expect(retryAfterMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(retryAfterMs({ 'retry-after': '3', 'retry-after-ms': '250' }, now)).toBe(250);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }, now)).toBe(10_000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, now)).toBe(0);
  });

  it('ignores absent or malformed values and clamps absurd ones to a day', () => {
    expect(retryAfterMs({}, now)).toBeNull();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeNull();
    expect(retryAfterMs({ 'retry-after': '-5' }, now)).toBeNull();
    expect(retryAfterMs({ 'retry-after': '99999999' }, now)).toBe(86_400_000);
  });
});

describe('bodyResetAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const openRouter = (reset: unknown) =>
    JSON.stringify({
      error: {
        message:
          'Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day',
        code: 429,
        metadata: {
          headers: { 'X-RateLimit-Limit': '50', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': reset },
        },
      },
    });

  it('reads OpenRouter’s X-RateLimit-Reset (ms since the epoch) from the error body', () => {
    expect(bodyResetAfterMs(openRouter(String(now + 90_000)), now)).toBe(90_000);
    expect(bodyResetAfterMs(openRouter(now + 90_000), now)).toBe(90_000);
    expect(bodyResetAfterMs(openRouter(String(now + 3 * 86_400_000)), now)).toBe(86_400_000);
  });

  it('is null for a reset past, garbled or absent, or a body that is not JSON', () => {
    expect(bodyResetAfterMs(openRouter(String(now - 1)), now)).toBeNull();
    expect(bodyResetAfterMs(openRouter('tomorrow'), now)).toBeNull();
    expect(bodyResetAfterMs(JSON.stringify({ error: { message: 'slow down' } }), now)).toBeNull();
    expect(bodyResetAfterMs('Too Many Requests', now)).toBeNull();
  });

  it('is what a 429 waits when no Retry-After came, and a Retry-After wins', () => {
    const body = openRouter(String(now + 90_000));
    expect(classifyUpstreamError({ status: 429, headers: {}, body }, now)).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 90_000,
      wholeKey: true,
    });
    expect(
      classifyUpstreamError({ status: 429, headers: { 'retry-after': '7' }, body }, now).retryAfterMs,
    ).toBe(7000);
  });
});

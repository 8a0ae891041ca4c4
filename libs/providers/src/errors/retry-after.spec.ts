import { retryAfterMs } from './retry-after';

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

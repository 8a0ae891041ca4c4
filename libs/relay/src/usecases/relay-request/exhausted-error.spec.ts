import type { UsageAttempt } from '@gateway/usage';
import { UsageDraft } from '../../relay/usage-draft';
import { exhaustedError, PassedOver } from './exhausted-error';

const NOW = Date.UTC(2026, 0, 15, 12, 30, 20);

function draftWith(fallbacks: Partial<UsageAttempt>[], errorMessage: string | null = null): UsageDraft {
  const draft = new UsageDraft(
    { requestId: 'req-1', endpoint: 'chat.completions', clientIp: undefined, body: { model: 'gpt-4o' } },
    { tenantId: 'tenant-1', id: 'token-1' },
    NOW - 1000,
  );
  for (const f of fallbacks) {
    draft.fallbacks.push({ channelId: 'c', channelName: 'ch', keyId: 'k', status: null, code: 'x', ...f });
  }
  draft.errorMessage = errorMessage;
  return draft;
}

const seen = (overrides: Partial<PassedOver> = {}): PassedOver => ({
  soonest: null,
  cooling: 0,
  capped: 0,
  tried: [],
  ...overrides,
});

describe('exhaustedError', () => {
  it('with no upstream call, a cooling pool is a 429 until the soonest recovery (at least 1 s)', () => {
    const error = exhaustedError(draftWith([]), seen({ cooling: 2, capped: 1, soonest: NOW + 7_500 }), NOW);
    expect(error).toMatchObject({
      status: 429,
      code: 'upstreams_rate_limited',
      retryAfterMs: 7_500,
    });
    expect(exhaustedError(draftWith([]), seen({ cooling: 1, soonest: NOW + 10 }), NOW).retryAfterMs).toBe(
      1000,
    );
  });

  it('with no upstream call, a capped pool is a 429 until the next minute', () => {
    const error = exhaustedError(draftWith([]), seen({ capped: 3 }), NOW);
    expect(error).toMatchObject({
      status: 429,
      code: 'upstreams_rate_limited',
      retryAfterMs: 40_000,
    });
    expect(error.message).toContain('gpt-4o');
  });

  it('waits for the first key to recover, capped or cooling: a daily cap until the day ends', () => {
    const dayEnd = Date.UTC(2026, 0, 16);
    expect(exhaustedError(draftWith([]), seen({ capped: 2, soonest: dayEnd }), NOW).retryAfterMs).toBe(
      dayEnd - NOW,
    );
    const minuteEnd = NOW + 40_000;
    const mixed = exhaustedError(draftWith([]), seen({ cooling: 1, capped: 1, soonest: minuteEnd }), NOW);
    expect(mixed).toMatchObject({ status: 429, retryAfterMs: 40_000 });
    expect(mixed.message).toContain('cooling down or at its rate limit');
  });

  it('with no candidate at all, a 502', () => {
    expect(exhaustedError(draftWith([]), seen(), NOW)).toMatchObject({ status: 502, code: 'upstream_error' });
  });

  it('when every attempt was rate limited, a 429 naming the channels tried', () => {
    const error = exhaustedError(
      draftWith([
        { code: 'rate_limited', status: 429 },
        { code: 'rate_limited', status: 429 },
      ]),
      seen({ tried: ['a', 'b'], soonest: NOW + 3_000 }),
      NOW,
    );
    expect(error).toMatchObject({
      status: 429,
      code: 'upstreams_rate_limited',
      retryAfterMs: 3_000,
    });
    expect(error.message).toContain('(a, b)');
  });

  it('when every attempt timed out, a 504', () => {
    const error = exhaustedError(draftWith([{ code: 'timeout' }]), seen({ tried: ['slow'] }), NOW);
    expect(error).toMatchObject({ status: 504, code: 'upstream_timeout' });
  });

  it('otherwise a 502 listing each failure and the last upstream message', () => {
    const error = exhaustedError(
      draftWith(
        [
          { channelName: 'a', code: 'rate_limited', status: 429 },
          { channelName: 'b', code: 'connect_error', status: null },
        ],
        'b could not be reached',
      ),
      seen({ tried: ['a', 'b'] }),
      NOW,
    );
    expect(error).toMatchObject({ status: 502, code: 'upstream_error' });
    expect(error.message).toBe(
      'every upstream failed (a: 429; b: connect_error). Last error: b could not be reached',
    );
  });
});

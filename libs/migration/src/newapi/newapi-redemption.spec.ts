import { planRedemption } from './newapi-redemption';

const NOW = new Date('2025-06-01T00:00:00Z');
const row = (fields: Record<string, unknown>) => ({
  id: 7,
  key: '0123456789ABCDEF0123456789abcdef',
  status: 1,
  name: 'gift',
  quota: 500000,
  ...fields,
});

describe('a NewAPI redemption code', () => {
  it('is imported while unused, unexpired and worth something, in its lower-case form', () => {
    expect(planRedemption(row({ expired_time: 0 }), NOW)).toEqual({
      ok: true,
      planned: {
        sourceId: '7',
        name: 'gift',
        code: '0123456789abcdef0123456789abcdef',
        quota: 500000n,
        expiresAt: null,
      },
    });
    const later = Date.parse('2026-01-01T00:00:00Z') / 1000;
    expect(planRedemption(row({ expired_time: later }), NOW)).toMatchObject({
      ok: true,
      planned: { expiresAt: new Date(later * 1000) },
    });
  });

  it('is skipped, saying why, when used, disabled, expired, deleted, empty or not a NewAPI code', () => {
    const reason = (fields: Record<string, unknown>) => {
      const plan = planRedemption(row(fields), NOW);
      return plan.ok ? 'imported' : plan.reason;
    };
    expect(reason({ status: 3 })).toBe('used in the source');
    expect(reason({ status: 2 })).toBe('disabled in the source');
    expect(reason({ expired_time: Date.parse('2025-01-01T00:00:00Z') / 1000 })).toBe('expired in the source');
    expect(reason({ deleted_at: '2025-01-01 00:00:00' })).toBe('deleted in the source');
    expect(reason({ quota: 0 })).toBe('worth nothing (quota 0)');
    expect(reason({ key: 'not-hex' })).toBe('not a NewAPI code (32 hex characters)');
  });
});

import { planToken } from './newapi-token';

const row = (fields: Record<string, unknown>) => ({
  id: 3,
  user_id: 2,
  key: 'a'.repeat(48),
  name: 'key',
  status: 1,
  expired_time: -1,
  remain_quota: 1_000_000,
  unlimited_quota: 0,
  ...fields,
});

describe('planToken', () => {
  it('keeps an enabled token active', () => {
    expect(planToken(row({}))).toMatchObject({ ok: true, planned: { status: 'active', notes: [] } });
  });

  it('imports a token NewAPI refuses as expired (3) or exhausted (4) disabled, whatever its expiry and quota say', () => {
    // Status 3 without an expiry and status 4 with quota left: NewAPI refuses both on the status alone.
    const expired = planToken(row({ status: 3, expired_time: -1 }));
    const exhausted = planToken(row({ status: 4, remain_quota: 1_000_000 }));
    expect(expired).toMatchObject({
      ok: true,
      planned: { status: 'disabled', notes: ['key: expired in NewAPI (status 3); imported disabled'] },
    });
    expect(exhausted).toMatchObject({
      ok: true,
      planned: { status: 'disabled', notes: ['key: exhausted in NewAPI (status 4); imported disabled'] },
    });
  });

  it('imports a disabled (2) or unknown status disabled', () => {
    expect(planToken(row({ status: 2 }))).toMatchObject({ ok: true, planned: { status: 'disabled' } });
    expect(planToken(row({ status: 9 }))).toMatchObject({ ok: true, planned: { status: 'disabled' } });
  });

  it('keeps model limits, spaces and all, and notes the names it cannot keep', () => {
    const plan = planToken(
      row({ model_limits_enabled: 1, model_limits: ' gpt-4o-mini , gpt 4o,claude-3-haiku ' }),
    );
    expect(plan).toMatchObject({
      ok: true,
      planned: {
        status: 'active',
        models: ['gpt-4o-mini', 'claude-3-haiku'],
        notes: ['key: model limit(s) "gpt 4o" dropped (not a model name here)'],
      },
    });
  });

  it('imports a token with model limits on but no usable model disabled: NewAPI lets it call none, an empty list here allows all', () => {
    for (const limits of ['', 'gpt 4o']) {
      const plan = planToken(row({ model_limits_enabled: 1, model_limits: limits }));
      expect(plan).toMatchObject({ ok: true, planned: { status: 'disabled', models: [] } });
      expect(plan.ok && plan.planned.notes.at(-1)).toBe(
        'key: model limits on in NewAPI with no usable model (it may call none there); imported disabled',
      );
    }
    // Limits off: every model, as in NewAPI.
    expect(planToken(row({ model_limits_enabled: 0, model_limits: '' }))).toMatchObject({
      ok: true,
      planned: { status: 'active', models: [], notes: [] },
    });
  });
});

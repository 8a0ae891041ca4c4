import type { UsageEvent } from './usage-event';
import { parseUsageEvent, USAGE_TEXT_LIMITS } from './usage-event-parser';

const event = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  requestId: 'req-1',
  startedAt: '2025-03-01T10:00:00.000Z',
  tenantId: '11111111-1111-4111-8111-111111111111',
  tokenId: '22222222-2222-4222-8222-222222222222',
  endpoint: 'chat.completions',
  model: 'gpt-4o-mini',
  stream: true,
  channelId: '33333333-3333-4333-8333-333333333333',
  channelKeyId: '44444444-4444-4444-8444-444444444444',
  upstreamModel: 'gpt-4o-mini-2024-07-18',
  servedModel: 'gpt-4o-mini',
  promptTokens: 12,
  cachedTokens: 0,
  cacheWriteTokens: 3,
  completionTokens: 34,
  reasoningTokens: 0,
  usageSource: 'upstream',
  billedUnit: 'tokens',
  billedQuantity: 46,
  costNano: '123456',
  coveredNano: '23456',
  writtenOffNano: '0',
  planPeriodStart: '2025-03-01T00:00:00.000Z',
  latencyMs: 850,
  ttftMs: 120,
  status: 200,
  errorCode: null,
  errorMessage: null,
  fallbacks: [{ channelId: 'c0', channelName: 'backup', keyId: 'k0', status: 429, code: 'rate_limited' }],
  clientIp: '203.0.113.9',
  ...overrides,
});

const parse = (value: unknown) => parseUsageEvent(JSON.stringify(value));

const accepted = (value: unknown): UsageEvent => {
  const result = parse(value);
  if (!result.ok) throw new Error(`rejected: ${result.reason}`);
  return result.event;
};

describe('parseUsageEvent', () => {
  it('accepts a well-formed event unchanged', () => {
    expect(accepted(event())).toEqual(event());
  });

  it('bills an event of an older relay, without a unit, in its tokens', () => {
    const { billedUnit: _unit, billedQuantity: _quantity, ...older } = event();
    expect(accepted(older)).toMatchObject({ billedUnit: 'tokens', billedQuantity: 46 });
  });

  it("keeps a media route's unit and quantity, and refuses unknown units or bad quantities", () => {
    expect(
      accepted(event({ endpoint: 'audio.speech', billedUnit: 'characters', billedQuantity: 1080 })),
    ).toMatchObject({
      endpoint: 'audio.speech',
      billedUnit: 'characters',
      billedQuantity: 1080,
    });
    expect(parse(event({ billedUnit: 'minutes' }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/billedUnit/),
    });
    expect(parse(event({ billedQuantity: -1 }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/billedQuantity/),
    });
    expect(parse(event({ billedQuantity: 1.5 }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/billedQuantity/),
    });
  });

  it.each([
    ['not JSON', '{"requestId": ', /not JSON/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['JSON null', 'null', /not a JSON object/],
  ])('rejects %s', (_label, raw, reason) => {
    const result = parseUsageEvent(raw);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it.each([
    ['requestId', undefined],
    ['requestId', ''],
    ['requestId', 'x'.repeat(USAGE_TEXT_LIMITS.requestId + 1)],
    ['startedAt', 'yesterday'],
    ['startedAt', '2025-02-30T00:00:00Z'],
    ['startedAt', 1740823200000],
    ['tenantId', 'tenant-a'],
    ['tokenId', null],
    ['endpoint', 'images'],
    ['model', 42],
    ['model', ''],
    ['stream', 'true'],
    ['channelId', 'not-a-uuid'],
    ['channelKeyId', 7],
    ['promptTokens', -1],
    ['cachedTokens', 1.5],
    ['cacheWriteTokens', -2],
    ['cacheWriteTokens', null],
    ['completionTokens', '34'],
    ['reasoningTokens', 2 ** 31],
    ['usageSource', 'guessed'],
    ['costNano', 123456],
    ['costNano', '-1'],
    ['costNano', '1.5'],
    ['costNano', '9223372036854775808'],
    ['coveredNano', 5],
    ['coveredNano', '123457'],
    ['writtenOffNano', 7],
    ['writtenOffNano', '-1'],
    ['planPeriodStart', '2025-02-30T00:00:00Z'],
    ['latencyMs', null],
    ['ttftMs', -5],
    ['status', 99],
    ['status', 600],
    ['errorCode', 500],
    ['fallbacks', 'none'],
    ['fallbacks', [{ channelId: 'c', channelName: 'n', keyId: 'k', status: 'x', code: 'c' }]],
    ['fallbacks', [{ channelId: 'c', channelName: 'n', keyId: 'k', status: null }]],
  ])('rejects %s = %j, naming the field', (field, value) => {
    const result = parse(event({ [field]: value }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(field);
  });

  it('reads an event without cacheWriteTokens (from a relay before they were metered apart) as 0 of them', () => {
    const { cacheWriteTokens: _dropped, ...older } = event();
    expect(accepted(older)).toEqual(event({ cacheWriteTokens: 0 }));
  });

  it('accepts the extremes of every range', () => {
    const parsed = accepted(
      event({
        costNano: '9223372036854775807',
        promptTokens: 2 ** 31 - 1,
        status: 599,
        ttftMs: 0,
        startedAt: '2025-03-01T18:00:00+08:00',
      }),
    );
    expect(parsed.costNano).toBe('9223372036854775807');
    expect(parsed.startedAt).toBe('2025-03-01T10:00:00.000Z');
  });

  it('treats a left-out nullable field as null and left-out fallbacks as none', () => {
    const raw = event();
    const optional = [
      'channelId',
      'channelKeyId',
      'upstreamModel',
      'servedModel',
      'ttftMs',
      'clientIp',
      'fallbacks',
    ];
    for (const key of [...optional, 'coveredNano', 'writtenOffNano', 'planPeriodStart']) delete raw[key];
    expect(accepted(raw)).toMatchObject({
      coveredNano: '0',
      writtenOffNano: '0',
      planPeriodStart: null,
      channelId: null,
      channelKeyId: null,
      upstreamModel: null,
      servedModel: null,
      ttftMs: null,
      clientIp: null,
      fallbacks: [],
    });
  });

  it('cuts over-long text to its column instead of losing the record', () => {
    const parsed = accepted(event({ model: 'm'.repeat(500), errorMessage: 'e'.repeat(5000) }));
    expect(parsed.model).toHaveLength(USAGE_TEXT_LIMITS.model);
    expect(parsed.errorMessage).toHaveLength(USAGE_TEXT_LIMITS.errorMessage);
  });

  it('removes what PostgreSQL cannot store (NUL, lone surrogates) and never splits a character', () => {
    const parsed = accepted(
      event({
        errorMessage: 'bad\u0000byte \ud800 alone',
        fallbacks: [{ channelId: 'c', channelName: 'x\udc00y', keyId: 'k', status: null, code: 'timeout' }],
        model: `${'m'.repeat(USAGE_TEXT_LIMITS.model - 1)}😀`,
      }),
    );
    expect(parsed.errorMessage).toBe('badbyte  alone');
    expect(parsed.fallbacks[0]?.channelName).toBe('xy');
    expect(parsed.model).toBe('m'.repeat(USAGE_TEXT_LIMITS.model - 1));
  });

  it('ignores unknown fields and lower-cases ids', () => {
    const parsed = accepted(event({ extra: 'ignored', tenantId: 'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA' }));
    expect(parsed).not.toHaveProperty('extra');
    expect(parsed.tenantId).toBe('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa');
  });
});

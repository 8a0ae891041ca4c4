// The models catalog and prices over real HTTP and Postgres: who sees which models, append-only
// price history, the preview's integer math, model names containing "/".
import { AuditLog } from '@gateway/audit';
import { ModelPrice } from '@gateway/billing';
import { Role } from '@gateway/identity';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { Session, seedTenant, sessionAs } from '../fixtures';

interface CatalogItem {
  id: string;
  channels: number;
  types: string[];
  groups: string[];
  price: null | Record<string, string>;
}

describe('models and prices', () => {
  let api: ApiHarness;
  let admin: Session;
  let db: DataSource;
  let defaultOwner: Session;
  let vipMember: Session;
  let loneFinance: Session;

  beforeAll(async () => {
    api = await startApi('models');
    db = api.app.get(DataSource);
    admin = await sessionAs(api, Role.SuperAdmin, null);
    const channel = (body: object) => admin.post('/api/channels', body).expect(201);
    await channel({
      name: 'cat-openai',
      type: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      models: ['gpt-4o', 'fast'],
      modelMapping: { fast: 'gpt-4o-mini' },
      groups: ['default'],
    });
    await channel({
      name: 'cat-anthropic',
      type: 'anthropic',
      baseUrl: 'https://api.anthropic.com',
      models: ['claude-sonnet', 'gpt-4o'],
      groups: ['vip', 'internal'],
    });
    await channel({
      name: 'cat-openrouter',
      type: 'openai',
      baseUrl: 'https://openrouter.ai/api/v1',
      models: ['openai/gpt-4o'],
      groups: ['default', 'vip'],
    });
    await channel({
      name: 'cat-disabled',
      type: 'gemini',
      baseUrl: 'https://generativelanguage.googleapis.com',
      models: ['hidden-model'],
      groups: ['default', 'vip'],
      status: 'disabled',
    });
    const defaultTenant = await seedTenant(api, { group: 'default' });
    const vipTenant = await seedTenant(api, { group: 'vip' });
    const loneTenant = await seedTenant(api, { group: 'nobody-serves-this' });
    defaultOwner = await sessionAs(api, Role.Owner, defaultTenant.id);
    vipMember = await sessionAs(api, Role.Member, vipTenant.id);
    loneFinance = await sessionAs(api, Role.Finance, loneTenant.id);
  });
  afterAll(async () => {
    await api.close();
  });

  const ids = (items: CatalogItem[]) => items.map((m) => m.id);
  const price = (overrides: Record<string, unknown> = {}) => ({
    inputPer1M: '2.5',
    cachedInputPer1M: '1.25',
    outputPer1M: '10',
    perRequest: '0',
    ...overrides,
  });

  describe('catalog', () => {
    it('a super admin sees every model of enabled channels, aliases included, with channel counts', async () => {
      const res = await admin.get('/api/models').expect(200);
      const items = res.body.items as CatalogItem[];
      expect(ids(items)).toEqual(['claude-sonnet', 'fast', 'gpt-4o', 'openai/gpt-4o']);
      expect(res.body.total).toBe(4);
      expect(items.find((m) => m.id === 'gpt-4o')).toEqual({
        id: 'gpt-4o',
        channels: 2,
        types: ['anthropic', 'openai'],
        groups: ['default', 'internal', 'vip'],
        price: null,
      });
    });

    it('a tenant sees only the models of channels serving its group, and only its own group', async () => {
      const own = await defaultOwner.get('/api/models').expect(200);
      expect(ids(own.body.items)).toEqual(['fast', 'gpt-4o', 'openai/gpt-4o']);
      expect((own.body.items as CatalogItem[]).find((m) => m.id === 'gpt-4o')).toMatchObject({
        channels: 1,
        types: ['openai'],
        groups: ['default'],
      });
      const vip = await vipMember.get('/api/models').expect(200);
      expect(ids(vip.body.items)).toEqual(['claude-sonnet', 'gpt-4o', 'openai/gpt-4o']);
      expect(JSON.stringify(vip.body)).not.toContain('internal');
      const lone = await loneFinance.get('/api/models').expect(200);
      expect(lone.body).toEqual({ items: [], total: 0 });
    });

    it('pages and filters', async () => {
      const page = await admin.get('/api/models?page=2&pageSize=1').expect(200);
      expect(ids(page.body.items)).toEqual(['fast']);
      expect(page.body.total).toBe(4);
      const gpt = await admin.get('/api/models?q=GPT').expect(200);
      expect(ids(gpt.body.items)).toEqual(['gpt-4o', 'openai/gpt-4o']);
      await admin.get('/api/models?pageSize=0').expect(400);
    });

    it('needs a session', async () => {
      await api.http.get('/api/models').expect(401);
    });
  });

  describe('setting prices', () => {
    it.each([Role.Owner, Role.Admin, Role.Member, Role.Finance])(
      '%s may not set a price (403)',
      async (role) => {
        const tenant = await seedTenant(api);
        const user = await sessionAs(api, role, tenant.id);
        await user.put('/api/models/gpt-4o/price', price()).expect(403);
        expect(await db.getRepository(ModelPrice).count({ where: { model: 'gpt-4o' } })).toBe(0);
      },
    );

    it('names each bad field', async () => {
      const res = await admin
        .put('/api/models/gpt-4o/price', {
          inputPer1M: 1.5,
          cachedInputPer1M: 'abc',
          outputPer1M: '-1',
          perRequest: '0.0000000001',
        })
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
        'cachedInputPer1M',
        'inputPer1M',
        'outputPer1M',
        'perRequest',
      ]);
      const missing = await admin.put('/api/models/gpt-4o/price', {}).expect(400);
      expect((missing.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
        'inputPer1M',
        'outputPer1M',
      ]);
      await admin.put('/api/models/has%20space/price', price()).expect(400);
    });

    it('refuses prices the cost arithmetic cannot hold, naming each, and writes nothing', async () => {
      const res = await admin
        .put('/api/models/gpt-4o/price', {
          inputPer1M: '999999999999',
          cachedInputPer1M: '1000000.000000001',
          outputPer1M: '999999999999.999999999',
          reasoningPer1M: '2000000',
          perRequest: '1000001',
        })
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
        'cachedInputPer1M',
        'inputPer1M',
        'outputPer1M',
        'perRequest',
        'reasoningPer1M',
      ]);
      expect(await db.getRepository(ModelPrice).count({ where: { model: 'gpt-4o' } })).toBe(0);
      await admin
        .put('/api/models/price-ceiling/price', {
          inputPer1M: '1000000',
          outputPer1M: '1000000',
          perRequest: '1000000',
        })
        .expect(200);
    });

    it('each change adds a row effective now; earlier rows are never rewritten; history is newest first', async () => {
      const model = 'history-model';
      const first = await admin.put(`/api/models/${model}/price`, price({ inputPer1M: '1' })).expect(200);
      expect(first.body).toMatchObject({
        model,
        inputPer1M: '1',
        cachedInputPer1M: '1.25',
        outputPer1M: '10',
        perRequest: '0',
        createdBy: admin.user.id,
      });
      const snapshot = await db.getRepository(ModelPrice).findOneByOrFail({ id: first.body.id });
      const second = await admin.put(`/api/models/${model}/price`, price({ inputPer1M: '2' })).expect(200);
      const third = await admin
        .put(`/api/models/${model}/price`, { inputPer1M: '3.000000001', outputPer1M: '4' })
        .expect(200);
      expect(third.body).toMatchObject({
        inputPer1M: '3.000000001',
        cachedInputPer1M: '3.000000001',
        perRequest: '0',
      });

      const rows = await db.getRepository(ModelPrice).find({ where: { model } });
      expect(rows).toHaveLength(3);
      const firstNow = rows.find((r) => r.id === first.body.id);
      expect(firstNow).toEqual(snapshot);
      expect(firstNow?.inputPer1MNano).toBe(1_000_000_000n);

      const history = await admin.get(`/api/models/${model}/prices`).expect(200);
      expect(history.body.total).toBe(3);
      expect((history.body.items as { id: string }[]).map((r) => r.id)).toEqual([
        third.body.id,
        second.body.id,
        first.body.id,
      ]);
      const times = (history.body.items as { effectiveFrom: string }[]).map((r) =>
        Date.parse(r.effectiveFrom),
      );
      expect(times[0]).toBeGreaterThanOrEqual(times[1]!);
      expect(times[1]).toBeGreaterThanOrEqual(times[2]!);

      const current = await admin.get(`/api/models/${model}/price`).expect(200);
      expect(current.body).toMatchObject({ id: third.body.id, inputPer1M: '3.000000001' });

      const audits = await db.getRepository(AuditLog).find({ where: { entityType: 'model_price' } });
      const secondAudit = audits.find((a) => a.entityId === second.body.id);
      expect(secondAudit).toMatchObject({ action: 'create', actorUserId: admin.user.id });
      expect(secondAudit?.before).toMatchObject({ id: first.body.id, inputPer1M: '1' });
      expect(secondAudit?.after).toMatchObject({ id: second.body.id, inputPer1M: '2' });
    });

    it('the catalog shows the current price', async () => {
      await admin.put('/api/models/fast/price', price({ perRequest: '0.001' })).expect(200);
      const res = await defaultOwner.get('/api/models').expect(200);
      expect((res.body.items as CatalogItem[]).find((m) => m.id === 'fast')?.price).toMatchObject({
        inputPer1M: '2.5',
        cachedInputPer1M: '1.25',
        outputPer1M: '10',
        perRequest: '0.001',
        effectiveFrom: expect.any(String),
      });
    });

    it('a model without a price: 404 price_not_set', async () => {
      const res = await admin.get('/api/models/never-priced/price').expect(404);
      expect(res.body.code).toBe('price_not_set');
      await admin.get('/api/models/never-priced/price/preview?promptTokens=1').expect(404);
      const history = await admin.get('/api/models/never-priced/prices').expect(200);
      expect(history.body).toEqual({ items: [], total: 0 });
    });
  });

  describe('model names containing "/"', () => {
    it('work URL-encoded as %2F and raw', async () => {
      const set = await admin
        .put('/api/models/openai%2Fgpt-4o/price', price({ outputPer1M: '7' }))
        .expect(200);
      expect(set.body.model).toBe('openai/gpt-4o');
      const raw = await admin.get('/api/models/openai/gpt-4o/price').expect(200);
      expect(raw.body).toMatchObject({ id: set.body.id, model: 'openai/gpt-4o', outputPer1M: '7' });
      const encoded = await defaultOwner.get('/api/models/openai%2Fgpt-4o/price').expect(200);
      expect(encoded.body.id).toBe(set.body.id);
      await admin.put('/api/models/openai/gpt-4o/price', price({ outputPer1M: '8' })).expect(200);
      const history = await admin.get('/api/models/openai%2Fgpt-4o/prices').expect(200);
      expect(history.body.total).toBe(2);
      const preview = await admin
        .get('/api/models/openai/gpt-4o/price/preview?completionTokens=1000000')
        .expect(200);
      expect(preview.body).toMatchObject({ model: 'openai/gpt-4o', costUsd: '8' });
      const catalog = await admin.get('/api/models?q=openai/').expect(200);
      expect((catalog.body.items as CatalogItem[])[0]?.price).toMatchObject({ outputPer1M: '8' });
    });
  });

  describe('preview', () => {
    beforeAll(async () => {
      await admin.put('/api/models/gpt-4o/price', price({ perRequest: '0.001' })).expect(200);
    });

    it('computes the cost in integer nano-USD with an exact breakdown', async () => {
      const res = await admin
        .get('/api/models/gpt-4o/price/preview?promptTokens=1234&completionTokens=567&cachedTokens=200')
        .expect(200);
      // (1034 × 2.5 + 200 × 1.25 + 567 × 10) / 1e6 = 0.008505; + 0.001 per request
      expect(res.body).toMatchObject({
        model: 'gpt-4o',
        costUsd: '0.009505',
        breakdown: {
          input: { tokens: '1034', ratePer1M: '2.5', costUsd: '0.002585' },
          cachedInput: { tokens: '200', ratePer1M: '1.25', costUsd: '0.00025' },
          output: { tokens: '567', ratePer1M: '10', costUsd: '0.00567' },
          tokensUsd: '0.008505',
          perRequestUsd: '0.001',
        },
        price: { inputPer1M: '2.5', perRequest: '0.001' },
        rounding: expect.stringContaining('half up'),
      });
    });

    it('rounds the token part half up to whole nano-USD', async () => {
      // $0.0005 per 1M tokens: one token costs exactly half a nano-dollar → rounds up to one
      await admin
        .put('/api/models/tiny/price', { inputPer1M: '0.0005', outputPer1M: '0.0004999' })
        .expect(200);
      const half = await admin.get('/api/models/tiny/price/preview?promptTokens=1').expect(200);
      expect(half.body.costUsd).toBe('0.000000001');
      expect(half.body.breakdown.input.costUsd).toBe('0.0000000005');
      const under = await admin.get('/api/models/tiny/price/preview?completionTokens=1').expect(200);
      expect(under.body.costUsd).toBe('0');
      const zero = await admin.get('/api/models/tiny/price/preview').expect(200);
      expect(zero.body.costUsd).toBe('0');
    });

    it('handles huge token counts exactly', async () => {
      const tokens = 999_999_999_999_999n;
      const res = await admin
        .get(
          `/api/models/gpt-4o/price/preview?promptTokens=${tokens}&completionTokens=${tokens}&cachedTokens=1`,
        )
        .expect(200);
      // in units of 1e-6 nano-USD: (tokens−1)·2.5e9 + 1·1.25e9 + tokens·10e9; then /1e6 half up; + 0.001 USD
      const micro = (tokens - 1n) * 2_500_000_000n + 1_250_000_000n + tokens * 10_000_000_000n;
      const nano = micro / 1_000_000n + (micro % 1_000_000n >= 500_000n ? 1n : 0n) + 1_000_000n;
      expect(res.body.costUsd).toBe(
        `${nano / 1_000_000_000n}.${(nano % 1_000_000_000n).toString().padStart(9, '0')}`.replace(
          /\.?0+$/,
          '',
        ),
      );
      expect(res.body.costUsd).toBe('12500000000.00098625');
    });

    it('bills reasoning tokens at their own price when one is set, else at the output price', async () => {
      await admin
        .put('/api/models/o-think/price', { inputPer1M: '1', outputPer1M: '10', reasoningPer1M: '40' })
        .expect(200);
      const res = await admin
        .get('/api/models/o-think/price/preview?completionTokens=1000&reasoningTokens=400')
        .expect(200);
      // 600 × $10 + 400 × $40 per 1M
      expect(res.body).toMatchObject({
        costUsd: '0.022',
        breakdown: {
          output: { tokens: '600', ratePer1M: '10', costUsd: '0.006' },
          reasoning: { tokens: '400', ratePer1M: '40', costUsd: '0.016' },
        },
        price: { reasoningPer1M: '40' },
      });
      // Left out (or null) again: reasoning costs the output price.
      await admin.put('/api/models/o-think/price', { inputPer1M: '1', outputPer1M: '10' }).expect(200);
      const plain = await admin
        .get('/api/models/o-think/price/preview?completionTokens=1000&reasoningTokens=400')
        .expect(200);
      expect(plain.body).toMatchObject({ costUsd: '0.01', price: { reasoningPer1M: null } });
      const bad = await admin
        .put('/api/models/o-think/price', { inputPer1M: '1', outputPer1M: '10', reasoningPer1M: '-1' })
        .expect(400);
      expect(bad.body.errors).toEqual([{ field: 'reasoningPer1M', messages: [expect.any(String)] }]);
      const more = await admin
        .get('/api/models/o-think/price/preview?completionTokens=10&reasoningTokens=11')
        .expect(400);
      expect(more.body.message).toContain('reasoningTokens');
    });

    it('bills cache writes at their own price when one is set, else at the input price', async () => {
      await admin
        .put('/api/models/claude-cw/price', {
          inputPer1M: '3',
          cachedInputPer1M: '0.3',
          cacheWritePer1M: '3.75',
          outputPer1M: '15',
        })
        .expect(200);
      const res = await admin
        .get('/api/models/claude-cw/price/preview?promptTokens=1000&cachedTokens=100&cacheWriteTokens=400')
        .expect(200);
      // 500 plain × $3 + 100 read × $0.30 + 400 written × $3.75, per 1M
      expect(res.body).toMatchObject({
        costUsd: '0.00303',
        breakdown: {
          input: { tokens: '500', ratePer1M: '3', costUsd: '0.0015' },
          cachedInput: { tokens: '100', ratePer1M: '0.3', costUsd: '0.00003' },
          cacheWrite: { tokens: '400', ratePer1M: '3.75', costUsd: '0.0015' },
        },
        price: { cacheWritePer1M: '3.75' },
      });
      // Left out (or null) again: a cache write costs the input price.
      await admin.put('/api/models/claude-cw/price', { inputPer1M: '3', outputPer1M: '15' }).expect(200);
      const plain = await admin
        .get('/api/models/claude-cw/price/preview?promptTokens=1000&cacheWriteTokens=400')
        .expect(200);
      expect(plain.body).toMatchObject({
        costUsd: '0.003',
        breakdown: { cacheWrite: { tokens: '400', ratePer1M: '3' } },
        price: { cacheWritePer1M: null },
      });
      const bad = await admin
        .put('/api/models/claude-cw/price', { inputPer1M: '1', outputPer1M: '10', cacheWritePer1M: '1e3' })
        .expect(400);
      expect(bad.body.errors).toEqual([{ field: 'cacheWritePer1M', messages: [expect.any(String)] }]);
      const more = await admin
        .get('/api/models/claude-cw/price/preview?promptTokens=10&cachedTokens=6&cacheWriteTokens=5')
        .expect(400);
      expect(more.body.message).toContain('cacheWriteTokens');
      const history = await admin.get('/api/models/claude-cw/prices').expect(200);
      expect(
        (history.body.items as { cacheWritePer1M: string | null }[]).map((p) => p.cacheWritePer1M),
      ).toEqual([null, '3.75']);
    });

    it('refuses bad counts, naming them', async () => {
      const res = await admin
        .get('/api/models/gpt-4o/price/preview?promptTokens=-1&completionTokens=1.5&cachedTokens=abc')
        .expect(400);
      expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
        'cachedTokens',
        'completionTokens',
        'promptTokens',
      ]);
      const cached = await admin
        .get('/api/models/gpt-4o/price/preview?promptTokens=10&cachedTokens=11')
        .expect(400);
      expect(cached.body.message).toContain('cachedTokens');
    });

    it('a tenant may preview its own models only', async () => {
      await defaultOwner.get('/api/models/gpt-4o/price/preview?promptTokens=1000').expect(200);
      await admin.put('/api/models/claude-sonnet/price', price()).expect(200);
      await defaultOwner.get('/api/models/claude-sonnet/price/preview?promptTokens=1000').expect(404);
      await defaultOwner.get('/api/models/claude-sonnet/price').expect(404);
      await defaultOwner.get('/api/models/claude-sonnet/prices').expect(404);
      await vipMember.get('/api/models/claude-sonnet/price').expect(200);
      await loneFinance.get('/api/models/gpt-4o/price').expect(404);
    });
  });

  it('every models route is in the OpenAPI document', async () => {
    const res = await api.http.get('/api/openapi.json').expect(200);
    const paths = Object.keys(res.body.paths as object);
    expect(paths).toContain('/api/models');
    const spec = res.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(spec['/api/models/{model}/price'] ?? {}).sort()).toEqual(['get', 'put']);
    expect(Object.keys(spec['/api/models/{model}/price/preview'] ?? {})).toEqual(['get']);
    expect(Object.keys(spec['/api/models/{model}/prices'] ?? {})).toEqual(['get']);
    expect(JSON.stringify(res.body.components.schemas.SetPriceDto)).toContain('inputPer1M');
  });
});

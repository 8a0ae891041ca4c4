// Group multipliers and the NewAPI ratio importer over real HTTP, PostgreSQL and Redis: exact
// decimal strings in and out, changes audited and announced on the ChangeFeed's `prices` topic.
import { AuditLog } from '@gateway/audit';
import { GroupMultipliersService, ModelPrice, PRICES_TOPIC } from '@gateway/billing';
import { Role } from '@gateway/identity';
import { Change, ChangeFeed } from '@gateway/redis';
import { waitFor } from '@gateway/testing';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs } from '../fixtures';

describe('billing: group multipliers and the NewAPI importer', () => {
  let api: ApiHarness;
  let db: DataSource;
  let root: Session;
  let vipOwner: Session;
  const announced: Change[] = [];

  const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

  beforeAll(async () => {
    api = await startApi('billing-prices-admin');
    db = api.app.get(DataSource);
    root = await sessionAs(api, Role.SuperAdmin, null);
    const vip = await seedTenant(api, { group: 'vip' });
    vipOwner = await sessionAs(api, Role.Owner, vip.id);
    const feed = api.app.get(ChangeFeed);
    feed.subscribe(PRICES_TOPIC, (change) => {
      if (change !== 'lost') announced.push(change);
    });
    await waitFor('the change feed to listen', async () => (feed.listening ? true : undefined));
  });
  afterAll(async () => {
    await api.close();
  });

  describe('group multipliers', () => {
    it('is 1 until set, then the exact decimal set; audited, announced, and in multipliers()', async () => {
      const initial = await root.get('/api/groups/vip/multiplier').expect(200);
      expect(initial.body).toEqual({
        group: 'vip',
        multiplier: '1',
        isDefault: true,
        updatedBy: null,
        updatedAt: null,
      });

      announced.length = 0;
      const set = await root.put('/api/groups/vip/multiplier', { multiplier: '1.25' }).expect(200);
      expect(set.body).toMatchObject({
        group: 'vip',
        multiplier: '1.25',
        isDefault: false,
        updatedBy: root.user.id,
      });
      expect((await root.get('/api/groups/vip/multiplier').expect(200)).body).toEqual(set.body);
      await waitFor('a prices announcement', async () => (announced.length > 0 ? true : undefined));
      expect(announced[0]).toEqual({ topic: PRICES_TOPIC, id: null });

      // The same value in another spelling changes nothing.
      await root.put('/api/groups/vip/multiplier', { multiplier: '1.2500' }).expect(200);
      await root.put('/api/groups/vip/multiplier', { multiplier: '0.0001' }).expect(200);
      const audits = await db
        .getRepository(AuditLog)
        .find({ where: { entityType: 'group_multiplier', entityId: 'vip' }, order: { createdAt: 'ASC' } });
      expect(audits.map((row) => [row.action, row.before, row.after])).toEqual([
        ['create', null, expect.objectContaining({ multiplier: '1.25' })],
        [
          'update',
          expect.objectContaining({ multiplier: '1.25' }),
          expect.objectContaining({ multiplier: '0.0001' }),
        ],
      ]);

      await root.put('/api/groups/bulk/multiplier', { multiplier: '100' }).expect(200);
      const map = await api.app.get(GroupMultipliersService).multipliers();
      expect(map).toEqual(
        new Map([
          ['bulk', '100'],
          ['vip', '0.0001'],
        ]),
      );
      const list = await root.get('/api/groups/multipliers').expect(200);
      expect(
        list.body.items.map((item: { group: string; multiplier: string }) => [item.group, item.multiplier]),
      ).toEqual([
        ['bulk', '100'],
        ['vip', '0.0001'],
      ]);
    });

    it.each([['0'], ['0.0000'], ['100.0001'], ['1.23456'], ['-1'], ['1e2'], [1.25], [''], [null]])(
      'refuses multiplier %p with 400 naming the field',
      async (multiplier) => {
        const res = await root.put('/api/groups/vip/multiplier', { multiplier }).expect(400);
        expect(res.body.code).toBe('validation_failed');
        expect(fields(res.body)).toEqual(['multiplier']);
        expect(res.body.message).toContain('multiplier');
      },
    );

    it('refuses a malformed group with 400 naming the field', async () => {
      const res = await root.put('/api/groups/VIP!/multiplier', { multiplier: '2' }).expect(400);
      expect(fields(res.body)).toEqual(['group']);
      expect((await root.get('/api/groups/VIP!/multiplier').expect(400)).body.errors).toEqual([
        { field: 'group', messages: [expect.stringContaining('group')] },
      ]);
    });

    it('shows a tenant user their own group’s multiplier only, and lets only super admins set one', async () => {
      await vipOwner.get('/api/groups/vip/multiplier').expect(200);
      await vipOwner.get('/api/groups/bulk/multiplier').expect(404);
      await vipOwner.get('/api/groups/default/multiplier').expect(404);
      await vipOwner.put('/api/groups/vip/multiplier', { multiplier: '0.5' }).expect(403);
      await vipOwner.get('/api/groups/multipliers').expect(403);
    });
  });

  describe('NewAPI importer', () => {
    const ratios = {
      modelRatio: { 'gpt-4o': 1.25, 'gpt-4o-mini': 0.075 },
      completionRatio: { 'gpt-4o': 4, 'gpt-4o-mini': 4, 'not-priced': 2 },
      cacheRatio: { 'gpt-4o': 0.5 },
    };

    it('sets the prices NewAPI would bill, as audited effective-dated rows, and reports what it did', async () => {
      const res = await root.post('/api/models/import/newapi', ratios).expect(200);
      expect(res.body).toMatchObject({ quotaPerUnit: '500000', unchanged: [], ignored: ['not-priced'] });
      expect(
        (res.body.set as Record<string, unknown>[]).map((p) => [
          p.model,
          p.inputPer1M,
          p.cachedInputPer1M,
          p.outputPer1M,
          p.perRequest,
          p.rounded,
        ]),
      ).toEqual([
        ['gpt-4o', '2.5', '1.25', '10', '0', false],
        ['gpt-4o-mini', '0.15', '0.15', '0.6', '0', false],
      ]);
      const current = await root.get('/api/models/gpt-4o-mini/price').expect(200);
      expect(current.body).toMatchObject({
        inputPer1M: '0.15',
        cachedInputPer1M: '0.15',
        outputPer1M: '0.6',
      });
      const audited = await db
        .getRepository(AuditLog)
        .countBy({ entityType: 'model_price', action: 'create' });
      expect(audited).toBe(2);

      // The same ratios again: nothing to change, no new rows.
      const again = await root.post('/api/models/import/newapi', ratios).expect(200);
      expect(again.body).toMatchObject({ set: [], unchanged: ['gpt-4o', 'gpt-4o-mini'] });
      expect(await db.getRepository(ModelPrice).countBy({ model: 'gpt-4o' })).toBe(1);

      // Another QuotaPerUnit halves every price: a new row each, the old one kept.
      const halved = await root
        .post('/api/models/import/newapi', { ...ratios, quotaPerUnit: 1_000_000 })
        .expect(200);
      expect(halved.body.set.map((p: { inputPer1M: string }) => p.inputPer1M)).toEqual(['1.25', '0.075']);
      expect(await db.getRepository(ModelPrice).countBy({ model: 'gpt-4o' })).toBe(2);
    });

    it('keeps the parts of a price it does not import (cache-write, audio, reasoning) when it sets one', async () => {
      const path = '/api/models/voice-x/price';
      await root
        .put(path, {
          inputPer1M: '1',
          outputPer1M: '1',
          cacheWritePer1M: '3.125',
          perAudioSecond: '0.0001',
          reasoningPer1M: '7',
        })
        .expect(200);
      const res = await root
        .post('/api/models/import/newapi', { modelRatio: { 'voice-x': 1.25 } })
        .expect(200);
      expect(res.body.set).toEqual([
        expect.objectContaining({ model: 'voice-x', inputPer1M: '2.5', outputPer1M: '2.5' }),
      ]);
      const stored = (await root.get(path).expect(200)).body as Record<string, unknown>;
      expect(stored).toMatchObject({
        inputPer1M: '2.5',
        outputPer1M: '2.5',
        cacheWritePer1M: '3.125',
        perAudioSecond: '0.0001',
        reasoningPer1M: '7',
      });
      // The same ratios again: what it imports is as the source says, so nothing is set.
      const again = await root
        .post('/api/models/import/newapi', { modelRatio: { 'voice-x': 1.25 } })
        .expect(200);
      expect(again.body).toMatchObject({ set: [], unchanged: ['voice-x'] });
      expect(await db.getRepository(ModelPrice).countBy({ model: 'voice-x' })).toBe(2);
    });

    it('rounds a price that is not a whole nano-dollar half up, and says so', async () => {
      const res = await root
        .post('/api/models/import/newapi', { modelRatio: { thirds: 1 }, quotaPerUnit: 3_000_000 })
        .expect(200);
      expect(res.body.set[0]).toMatchObject({ model: 'thirds', inputPer1M: '0.333333333', rounded: true });
    });

    it.each([
      [{}, 'modelRatio'],
      [{ modelRatio: {} }, 'modelRatio'],
      [{ modelRatio: { a: -1 } }, 'modelRatio'],
      [{ modelRatio: { a: '1' } }, 'modelRatio'],
      [{ modelRatio: { 'has space': 1 } }, 'modelRatio'],
      [{ modelRatio: [1] }, 'modelRatio'],
      [{ modelRatio: { a: 1 }, completionRatio: 'x' }, 'completionRatio'],
      [{ modelRatio: { a: 1 }, cacheRatio: { a: null } }, 'cacheRatio'],
      [{ modelRatio: { a: 1 }, quotaPerUnit: 0 }, 'quotaPerUnit'],
      [{ modelRatio: { a: 1 }, quotaPerUnit: '500000' }, 'quotaPerUnit'],
    ])('refuses %j with 400 naming %s', async (body, field) => {
      const res = await root.post('/api/models/import/newapi', body).expect(400);
      expect(fields(res.body)).toEqual([field]);
    });

    it('names the models whose ratio is not a number ≥ 0, and refuses absurd prices', async () => {
      const res = await root
        .post('/api/models/import/newapi', { modelRatio: { ok: 1, 'bad-one': -2 } })
        .expect(400);
      expect(res.body.message).toContain('"bad-one"');
      const dear = await root
        .post('/api/models/import/newapi', { modelRatio: { gold: 1 }, quotaPerUnit: 0.000001 })
        .expect(400);
      expect(dear.body).toMatchObject({ code: 'validation_failed' });
      expect(dear.body.message).toContain('gold');
      expect(await db.getRepository(ModelPrice).countBy({ model: 'gold' })).toBe(0);
    });

    it('is for super admins only', async () => {
      await vipOwner.post('/api/models/import/newapi', ratios).expect(403);
    });
  });
});

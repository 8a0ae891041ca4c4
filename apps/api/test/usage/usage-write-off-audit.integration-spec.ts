// A write-off (a request charged its hold, less than its upstream reported; docs/design.md "Money")
// is audited when the worker stores it: one entry per tenant and batch, actor the system, naming
// the requests and the total, in the transaction that stores the records, and never twice for an
// event that is sent again. Read the way an operator reads it: GET /api/audit.
import { Role, Tenant } from '@gateway/identity';
import { REDIS } from '@gateway/redis';
import { UsageEvent, UsageIngestor, UsageRecorder } from '@gateway/usage';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs, usageEvent } from '../fixtures';

interface Row {
  action: string;
  entityType: string;
  entityId: string;
  tenantId: string | null;
  actorUserId: string | null;
  after: { requests: number; requestIds: string[]; writtenOffUsd: string } | null;
}

describe('write-offs in the audit log', () => {
  let api: ApiHarness;
  let tenantA: Tenant;
  let tenantB: Tenant;
  let ownerA: Session;
  let ownerB: Session;
  let recorder: UsageRecorder;
  let ingestor: UsageIngestor;
  const tokens = {} as Record<'a' | 'b', string>;

  const writeOffs = async (session: Session): Promise<Row[]> =>
    (await session.get('/api/audit?entityType=usage_write_off&pageSize=200').expect(200)).body.items as Row[];
  /** The api's recorder, the stream, an ingestor like the worker's: the real way in. */
  const store = async (events: UsageEvent[]): Promise<number> => {
    for (const event of events) recorder.record(event);
    await recorder.flush();
    let inserted = 0;
    for (let round = await ingestor.ingestOnce(); round.read > 0; round = await ingestor.ingestOnce()) {
      inserted += round.inserted;
    }
    return inserted;
  };
  const event = (requestId: string, tenant: 'a' | 'b', over: Partial<UsageEvent>): UsageEvent =>
    usageEvent({
      requestId,
      tenantId: tenant === 'a' ? tenantA.id : tenantB.id,
      tokenId: tokens[tenant],
      promptTokens: 100,
      completionTokens: 10,
      costNano: '1000',
      ...over,
    });

  beforeAll(async () => {
    api = await startApi('usage-write-off-audit');
    tenantA = await seedTenant(api);
    tenantB = await seedTenant(api);
    ownerA = await sessionAs(api, Role.Owner, tenantA.id);
    ownerB = await sessionAs(api, Role.Owner, tenantB.id);
    tokens.a = (await ownerA.post('/api/tokens', { name: 'w' }).expect(201)).body.id as string;
    tokens.b = (await ownerB.post('/api/tokens', { name: 'w' }).expect(201)).body.id as string;
    recorder = api.app.get(UsageRecorder);
    ingestor = new UsageIngestor(api.app.get(REDIS), api.app.get(DataSource), api.config);
  });
  afterAll(async () => {
    await api.close();
  });

  it('writes one system entry per tenant and batch naming the requests and the total, and none again for a re-sent event', async () => {
    const batch = [
      event('wo-a1', 'a', { writtenOffNano: '300000' }),
      event('wo-a2', 'a', { writtenOffNano: '700000000' }),
      event('wo-a3', 'a', {}),
      event('wo-b1', 'b', { writtenOffNano: '5' }),
    ];
    expect(await store(batch)).toBe(4);

    const [a, ...moreA] = await writeOffs(ownerA);
    expect(moreA).toEqual([]);
    expect(a).toMatchObject({ action: 'create', tenantId: tenantA.id, actorUserId: null });
    expect(a?.after?.requests).toBe(2);
    expect([...(a?.after?.requestIds ?? [])].sort()).toEqual(['wo-a1', 'wo-a2']);
    expect(a?.after?.writtenOffUsd).toBe('0.7003');
    // Each tenant sees its own write-offs only.
    expect((await writeOffs(ownerB)).map((row) => row.after)).toEqual([
      { requests: 1, requestIds: ['wo-b1'], writtenOffUsd: '0.000000005' },
    ]);

    // The api sent wo-a1 again (its confirmation came late): stored once, audited once.
    expect(await store([batch[0] as UsageEvent, event('wo-a4', 'a', {})])).toBe(1);
    expect(await writeOffs(ownerA)).toHaveLength(1);
  });
});

// The relay's cached tenant facts: a tenant disabled while its facts are being read must not be
// cached as active (which would let its tokens relay until the safety-net reload, a minute later).
import { Role, TENANTS_TOPIC, TenantsService } from '@gateway/identity';
import { ChangeFeed } from '@gateway/redis';
import { TenantFactsService } from '@gateway/relay';
import { waitFor } from '@gateway/testing';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, sessionAs } from '../fixtures';

describe('tenant facts', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi('tenant-facts');
  });
  afterAll(async () => {
    await api.close();
  });

  it('a disable announced while the facts are being read takes effect at once', async () => {
    const tenant = await seedTenant(api);
    const root = await sessionAs(api, Role.SuperAdmin, null);
    const facts = api.app.get(TenantFactsService);
    const tenants = api.app.get(TenantsService);
    const feed = api.app.get(ChangeFeed);
    await waitFor('the change feed to subscribe', async () => (feed.listening ? true : undefined));
    let announced = 0;
    const stop = feed.subscribe(TENANTS_TOPIC, (change) => {
      if (change !== 'lost' && change.id === tenant.id) announced++;
    });

    // The read sees the tenant still active, then stalls until the disable has been announced.
    const read = tenants.routingFacts.bind(tenants);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const spy = jest.spyOn(tenants, 'routingFacts').mockImplementationOnce(async (id) => {
      const seen = await read(id);
      await gate;
      return seen;
    });
    try {
      const stale = facts.get(tenant.id);
      await waitFor('the read to start', async () => (spy.mock.calls.length > 0 ? true : undefined));
      await root.patch(`/api/tenants/${tenant.id}`, { status: 'disabled' }).expect(200);
      await waitFor('the disable to be announced', async () => (announced > 0 ? true : undefined));
      // A request arriving now must not join the read that began before the disable.
      const joined = facts.get(tenant.id);
      release();
      expect((await stale)?.active).toBe(true);
      expect((await joined)?.active).toBe(false);
      expect((await facts.get(tenant.id))?.active).toBe(false);
    } finally {
      release();
      spy.mockRestore();
      stop();
    }
  });
});

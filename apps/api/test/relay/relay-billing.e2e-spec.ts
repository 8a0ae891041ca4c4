// Money under concurrency, through the official SDK over two API processes: holds cap spending at
// the balance, every path settles, and ledger, usage records, token spend and the live mirror agree
// to the nano-dollar once the usage stream has drained (docs/design.md invariants 6 and 7).
import { BalanceMirror } from '@gateway/billing';
import type { MockUpstream } from '@gateway/mock-upstream';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { ApiHarness } from '../api-harness';
import { seedTenant } from '../fixtures';
import {
  createChannel,
  fund,
  issueToken,
  seedTenantWithToken,
  type RelayPair,
  startRelayPair,
  usageRecordsStored,
} from './relay-fixture';

interface Books {
  ledgerBalance: bigint;
  ledgerUsage: bigint;
  recordsCost: bigint;
  records: number;
  tokenUsed: bigint;
}

describe('billing on the relay (two API processes)', () => {
  let relay: RelayPair;
  let api: ApiHarness;
  let mock: MockUpstream;
  let admin: string;

  beforeAll(async () => {
    relay = await startRelayPair('relay_billing', { ingestor: true });
    ({ api, mock, admin } = relay);
  });
  afterAll(() => relay?.close());

  async function setPrice(model: string, price: Record<string, string>): Promise<void> {
    await request(api.url)
      .put(`/api/models/${model}/price`)
      .set('authorization', `Bearer ${admin}`)
      .send(price)
      .expect(200);
  }

  /** What PostgreSQL says about a tenant's money, once every usage event is stored. */
  async function books(tenantId: string, tokenId: string, requests: number): Promise<Books> {
    const db = api.app.get(DataSource);
    await usageRecordsStored(api, tenantId, requests);
    const [row] = (await db.query(
      `SELECT
         (SELECT balance_nano FROM tenant_balances WHERE tenant_id = $1) AS balance,
         (SELECT coalesce(sum(amount_nano), 0) FROM ledger_entries WHERE tenant_id = $1 AND kind = 'usage') AS usage,
         (SELECT coalesce(sum(amount_nano), 0) FROM ledger_entries WHERE tenant_id = $1) AS ledger,
         (SELECT coalesce(sum(cost_nano), 0) FROM usage_records WHERE tenant_id = $1) AS cost,
         (SELECT count(*) FROM usage_records WHERE tenant_id = $1) AS records,
         (SELECT used_nano FROM tokens WHERE id = $2) AS used`,
      [tenantId, tokenId],
    )) as Record<string, string>[];
    const r = row as Record<string, string>;
    expect(BigInt(r['balance'] as string)).toBe(BigInt(r['ledger'] as string));
    return {
      ledgerBalance: BigInt(r['balance'] as string),
      ledgerUsage: -BigInt(r['usage'] as string),
      recordsCost: BigInt(r['cost'] as string),
      records: Number(r['records']),
      tokenUsed: BigInt(r['used'] as string),
    };
  }

  it('lets exactly K of 10×K concurrent requests through when the balance covers K, and ends at zero', async () => {
    const K = 8;
    await createChannel(api, admin, {
      name: 'paid',
      baseUrl: mock.baseUrl,
      models: ['m-paid'],
      keys: ['sk-mock-paid-1', 'sk-mock-paid-2'],
    });
    // A per-request fee only: the worst case is the real cost, so K requests fit exactly.
    await setPrice('m-paid', { inputPer1M: '0', outputPer1M: '0', perRequest: '0.001' });
    const { key, tenantId, tokenId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, (0.001 * K).toFixed(3));
    mock.reset();
    const [a, b] = relay.clients(key);
    const results = await Promise.all(
      Array.from({ length: 10 * K }, (_, i) =>
        (i % 2 ? a : b).chat.completions
          .create({ model: 'm-paid', messages: [{ role: 'user', content: 'hi' }] })
          .then(
            () => 'ok',
            (e: unknown) => (e instanceof OpenAI.APIError ? `${e.status}` : String(e)),
          ),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(K);
    expect(results.filter((r) => r === '402')).toHaveLength(9 * K);
    expect(mock.requests).toHaveLength(K);

    const money = await books(tenantId, tokenId, 10 * K);
    expect(money.ledgerBalance).toBe(0n);
    expect(money.ledgerUsage).toBe(1_000_000n * BigInt(K));
    expect(money.recordsCost).toBe(money.ledgerUsage);
    expect(money.tokenUsed).toBe(money.ledgerUsage);
    expect(await api.app.get(BalanceMirror).snapshot(tenantId)).toMatchObject({
      credits: 1_000_000n * BigInt(K),
      debits: 1_000_000n * BigInt(K),
      held: 0n,
    });
  });

  it("holds a token's quota against what it spent while it had none, once the quota is set again", async () => {
    await createChannel(api, admin, {
      name: 'quota',
      baseUrl: mock.baseUrl,
      models: ['m-quota'],
      keys: ['sk-mock-quota-1'],
    });
    // A per-request fee only: each request costs (and holds) exactly 0.001.
    await setPrice('m-quota', { inputPer1M: '0', outputPer1M: '0', perRequest: '0.001' });
    const { key, tenantId, tokenId } = await seedTenantWithToken(api, admin, { quotaUsd: '0.003' });
    await fund(api, tenantId, '1');
    // The process the token is changed on: its own cache drops the token at once.
    const [client] = relay.clients(key);
    const ask = () =>
      client.chat.completions.create({ model: 'm-quota', messages: [{ role: 'user', content: 'hi' }] }).then(
        () => 'ok',
        (e: unknown) => (e instanceof OpenAI.APIError ? `${e.status} ${e.message}` : String(e)),
      );
    const quota = (quotaUsd: string | null) =>
      request(api.url)
        .patch(`/api/tokens/${tokenId}`)
        .set('authorization', `Bearer ${admin}`)
        .send({ quotaUsd })
        .expect(200);
    const run = async (n: number) => {
      const outcomes: string[] = [];
      for (let i = 0; i < n; i++) outcomes.push(await ask());
      return outcomes;
    };

    expect(await run(4)).toEqual(['ok', 'ok', 'ok', expect.stringMatching(/^402 .*quota/)]);
    // Taken off: nothing counts the token's spend in Redis, 5 more go through.
    await quota(null);
    expect(await run(5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    await usageRecordsStored(api, tenantId, 9);
    // Set again at 0.010 with 0.008 spent: 2 more, whatever the mirror of the first quota still says.
    await quota('0.010');
    expect(await run(3)).toEqual(['ok', 'ok', expect.stringMatching(/^402 .*quota/)]);
    const money = await books(tenantId, tokenId, 12);
    expect(money.tokenUsed).toBe(10_000_000n);
    expect(money.ledgerUsage).toBe(10_000_000n);
  });

  it('keeps ledger, usage records, token spend and the live mirror equal after mixed traffic', async () => {
    await createChannel(api, admin, {
      name: 'mixed-flaky',
      baseUrl: mock.baseUrl,
      models: ['m-mixed'],
      priority: 10,
      keys: [
        { key: 'sk-mock;status=429;retryAfter=1;fail=6', priority: 5 },
        { key: 'sk-mock;status=500;fail=4' },
      ],
    });
    await createChannel(api, admin, {
      name: 'mixed-good',
      baseUrl: mock.baseUrl,
      models: ['m-mixed'],
      keys: ['sk-mock-mixed-ok'],
    });
    await createChannel(api, admin, {
      name: 'mixed-drop',
      baseUrl: mock.baseUrl,
      models: ['m-drop-paid'],
      keys: ['sk-mock;drop=4;tokens=40'],
    });
    await createChannel(api, admin, {
      name: 'mixed-slow',
      baseUrl: mock.baseUrl,
      models: ['m-slow-paid'],
      keys: ['sk-mock;chunkDelay=50;tokens=60'],
    });
    for (const model of ['m-mixed', 'm-drop-paid', 'm-slow-paid']) {
      await setPrice(model, {
        inputPer1M: '1.234567',
        cachedInputPer1M: '0.5',
        outputPer1M: '3.333333',
        perRequest: '0.000001',
      });
    }
    const { key, tenantId, tokenId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, '3');
    const [a, b] = relay.clients(key);
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      const client = i % 2 ? a : b;
      const kind = i % 5;
      const body = {
        messages: [{ role: 'user' as const, content: `request ${i} `.repeat(1 + (i % 7)) }],
        max_tokens: 100,
      };
      if (kind === 0 || kind === 1) {
        jobs.push(
          client.chat.completions.create({ ...body, model: 'm-mixed', stream: kind === 1 }).then(drain),
        );
      } else if (kind === 2) {
        jobs.push(
          client.chat.completions.create({ ...body, model: 'm-drop-paid', stream: true }).then(drain),
        );
      } else {
        // Client aborts part-way through a stream.
        const controller = new AbortController();
        jobs.push(
          client.chat.completions
            .create({ ...body, model: 'm-slow-paid', stream: true }, { signal: controller.signal })
            .then(async (stream) => {
              let n = 0;
              for await (const chunk of stream)
                if (chunk.choices.length > 0 && ++n === 3 + (i % 4)) controller.abort();
            }),
        );
      }
    }
    await Promise.allSettled(jobs);
    const money = await books(tenantId, tokenId, 40);
    expect(money.records).toBe(40);
    expect(money.ledgerUsage).toBeGreaterThan(0n);
    expect(money.recordsCost).toBe(money.ledgerUsage);
    expect(money.tokenUsed).toBe(money.ledgerUsage);
    expect(money.ledgerBalance).toBe(3_000_000_000n - money.ledgerUsage);
    const mirror = await api.app.get(BalanceMirror).snapshot(tenantId);
    expect(mirror?.held).toBe(0n);
    expect(mirror?.debits).toBe(money.ledgerUsage);
    expect((mirror?.credits ?? 0n) - (mirror?.debits ?? 0n)).toBe(money.ledgerBalance);

    const reconcile = () =>
      request(api.url).get('/api/usage/reconciliation').set('authorization', `Bearer ${admin}`).expect(200);
    expect((await reconcile()).body).toMatchObject({ mismatches: [] });
    // The check can fail: one nano-dollar off on the token is caught.
    await api.app
      .get(DataSource)
      .query('UPDATE tokens SET used_nano = used_nano + 1 WHERE id = $1', [tokenId]);
    expect((await reconcile()).body.mismatches).toEqual([
      {
        kind: 'token',
        id: tokenId,
        recordsNano: money.recordsCost.toString(),
        booksNano: (money.recordsCost + 1n).toString(),
      },
    ]);
    await api.app
      .get(DataSource)
      .query('UPDATE tokens SET used_nano = used_nano - 1 WHERE id = $1', [tokenId]);
  });

  it('bills each request at the price in force when it started, even when the price changes mid-stream', async () => {
    await createChannel(api, admin, {
      name: 'repriced',
      baseUrl: mock.baseUrl,
      models: ['m-repriced'],
      keys: ['sk-mock;chunkDelay=60;tokens=20'],
    });
    const before = { inputPer1M: '2', outputPer1M: '8' };
    const after = { inputPer1M: '3', outputPer1M: '12' };
    await setPrice('m-repriced', before);
    const { key, tenantId, tokenId } = await seedTenantWithToken(api, admin);
    await fund(api, tenantId, '1');
    const [a, b] = relay.clients(key);
    const body = {
      model: 'm-repriced',
      messages: [{ role: 'user' as const, content: 'price change' }],
      max_tokens: 50,
    };
    const early = [a, b, a].map((c) => c.chat.completions.create({ ...body, stream: true }).then(drain));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await setPrice('m-repriced', after);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const late = [b, a, b].map((c) => c.chat.completions.create(body));
    await Promise.all([...early, ...late]);
    await books(tenantId, tokenId, 6);
    const rows = (await api.app
      .get(DataSource)
      .query(
        'SELECT stream, prompt_tokens, completion_tokens, cost_nano FROM usage_records WHERE tenant_id = $1',
        [tenantId],
      )) as { stream: boolean; prompt_tokens: number; completion_tokens: number; cost_nano: string }[];
    const nano = (price: { inputPer1M: string; outputPer1M: string }, prompt: number, completion: number) =>
      (BigInt(prompt) * BigInt(Number(price.inputPer1M) * 1e9) +
        BigInt(completion) * BigInt(Number(price.outputPer1M) * 1e9) +
        500_000n) /
      1_000_000n;
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      const price = row.stream ? before : after;
      expect(BigInt(row.cost_nano)).toBe(nano(price, row.prompt_tokens, row.completion_tokens));
    }
  });

  it("charges a tenant group's price multiplier, exactly, on holds and costs", async () => {
    await createChannel(api, admin, {
      name: 'vip-only',
      baseUrl: mock.baseUrl,
      models: ['m-vip'],
      groups: ['vip'],
      keys: ['sk-mock-vip-1'],
    });
    await setPrice('m-vip', { inputPer1M: '0', outputPer1M: '0', perRequest: '0.000003' });
    await request(api.url)
      .put('/api/groups/vip/multiplier')
      .set('authorization', `Bearer ${admin}`)
      .send({ multiplier: '1.5' })
      .expect(200);
    const tenant = await seedTenant(api, { group: 'vip' });
    const token = await issueToken(api, admin, { tenantId: tenant.id });
    // Exactly two requests at 1.5 × 3 = 4.5 µUSD each; a third must be refused.
    await fund(api, tenant.id, '0.000009');
    const [a] = relay.clients(token.key);
    const body = { model: 'm-vip', messages: [{ role: 'user' as const, content: 'vip' }] };
    await a.chat.completions.create(body);
    await a.chat.completions.create(body);
    const third = await a.chat.completions.create(body).then(
      () => 'ok',
      (e: unknown) => (e instanceof OpenAI.APIError ? e.status : e),
    );
    expect(third).toBe(402);
    const money = await books(tenant.id, token.id, 3);
    expect(money.recordsCost).toBe(9000n);
    expect(money.ledgerBalance).toBe(0n);
  });
});

async function drain(result: unknown): Promise<void> {
  if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
    for await (const chunk of result as AsyncIterable<unknown>) void chunk;
  }
}

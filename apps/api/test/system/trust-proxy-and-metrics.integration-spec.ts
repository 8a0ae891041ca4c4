// TRUST_PROXY decides whose X-Forwarded-For/-Proto the api believes (token IP allowlists, the login
// limiter, the session cookie's Secure flag); METRICS_TOKEN or loopback guards GET /metrics.
import type { NestExpressApplication } from '@nestjs/platform-express';
import { LOGIN_LIMITS, Role } from '@gateway/identity';
import { testConfig } from '@gateway/testing';
import request from 'supertest';
import { createApiApp } from '../../src/api-app';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, seedUser, sessionAs } from '../fixtures';

const PASSWORD = 'fixture-password-1';
const METRICS_TOKEN = 'scrape-token-0123456789';

describe('TRUST_PROXY and /metrics', () => {
  /** Trusts its loopback proxy (the tests' own connections) and needs a token for /metrics. */
  let trusting: ApiHarness;
  /** The same database and Redis, but its only trusted proxy is 10.0.0.0/8 and no METRICS_TOKEN. */
  let distrusting: NestExpressApplication;
  let distrustingUrl: string;
  let tenantId: string;

  beforeAll(async () => {
    trusting = await startApi('trust-proxy', { TRUST_PROXY: '127.0.0.1', METRICS_TOKEN });
    distrusting = await createApiApp(testConfig(trusting.db, trusting.redis, { TRUST_PROXY: '10.0.0.0/8' }));
    await distrusting.listen(0, '127.0.0.1');
    distrustingUrl = await distrusting.getUrl();
    tenantId = (await seedTenant(trusting)).id;
  });
  afterAll(async () => {
    await distrusting.close();
    await trusting.close();
  });

  describe('a token IP allowlist sees the client address only through a trusted proxy', () => {
    let key: string;
    beforeAll(async () => {
      const owner = await sessionAs(trusting, Role.Owner, tenantId);
      const res = await owner
        .post('/api/tokens', { name: 'office only', ipAllowlist: ['203.0.113.0/24'] })
        .expect(201);
      key = (res.body as { key: string }).key;
    });
    const models = (url: string, forwardedFor: string) =>
      request(url)
        .get('/v1/models')
        .set('authorization', `Bearer ${key}`)
        .set('x-forwarded-for', forwardedFor);

    it('from a trusted proxy, the forwarded client decides', async () => {
      await models(trusting.url, '203.0.113.9').expect(200);
      const outside = await models(trusting.url, '198.51.100.9').expect(403);
      expect(outside.body).toMatchObject({ error: { code: 'ip_not_allowed' } });
    });

    it('from an untrusted peer, X-Forwarded-For is ignored (the peer is the client)', async () => {
      const res = await models(distrustingUrl, '203.0.113.9').expect(403);
      expect(res.body).toMatchObject({ error: { code: 'ip_not_allowed' } });
    });
  });

  // Before the limiter's tests, which spend the untrusted peer's (loopback's) login budget.
  describe('the session cookie is Secure when the client spoke HTTPS to a trusted proxy', () => {
    const loginVia = async (url: string, proto: string) => {
      const user = await seedUser(trusting, Role.Member, tenantId);
      const res = await request(url)
        .post('/api/auth/login')
        .set('x-forwarded-for', '192.0.2.50')
        .set('x-forwarded-proto', proto)
        .send({ email: user.email, password: PASSWORD })
        .expect(200);
      return String(res.headers['set-cookie']);
    };

    it('X-Forwarded-Proto https from a trusted proxy -> Secure', async () => {
      expect(await loginVia(trusting.url, 'https')).toMatch(/;\s*Secure/i);
      expect(await loginVia(trusting.url, 'http')).not.toMatch(/;\s*Secure/i);
    });

    it('X-Forwarded-Proto from an untrusted peer is ignored', async () => {
      expect(await loginVia(distrustingUrl, 'https')).not.toMatch(/;\s*Secure/i);
    });
  });

  describe('the login limiter counts the client behind a trusted proxy, and only there', () => {
    const fail = (url: string, forwardedFor: string, email: string) =>
      request(url)
        .post('/api/auth/login')
        .set('x-forwarded-for', forwardedFor)
        .send({ email, password: 'wrong password' });

    it('through the trusted proxy, one client spending its IP budget does not stop another', async () => {
      for (let i = 0; i < LOGIN_LIMITS.ipFailures; i++) {
        await fail(trusting.url, '192.0.2.10', `nobody-${i}@example.test`).expect(401);
      }
      await fail(trusting.url, '192.0.2.10', 'nobody-else@example.test').expect(429);
      const user = await seedUser(trusting, Role.Member, tenantId);
      await request(trusting.url)
        .post('/api/auth/login')
        .set('x-forwarded-for', '192.0.2.11')
        .send({ email: user.email, password: PASSWORD })
        .expect(200);
    });

    it('from an untrusted peer, a forged X-Forwarded-For does not buy a fresh IP budget', async () => {
      for (let i = 0; i < LOGIN_LIMITS.ipFailures; i++) {
        await fail(distrustingUrl, `192.0.2.${100 + i}`, `someone-${i}@example.test`).expect(401);
      }
      await fail(distrustingUrl, '192.0.2.250', 'someone-else@example.test').expect(429);
    });
  });

  describe('GET /metrics', () => {
    it('with METRICS_TOKEN set, needs exactly that bearer token', async () => {
      await request(trusting.url).get('/metrics').expect(401);
      await request(trusting.url)
        .get('/metrics')
        .set('authorization', 'Bearer wrong-token-0123456789')
        .expect(401);
      await request(trusting.url)
        .get('/metrics')
        .set('authorization', `Bearer ${METRICS_TOKEN}x`)
        .expect(401);
      const ok = await request(trusting.url)
        .get('/metrics')
        .set('authorization', `Bearer ${METRICS_TOKEN}`)
        .expect(200);
      expect(ok.text).toContain('process_cpu_user_seconds_total');
    });

    it('without METRICS_TOKEN, answers a direct loopback client only', async () => {
      await request(distrustingUrl).get('/metrics').expect(200);
      // Came through a proxy (even one on this host): not a loopback client.
      await request(distrustingUrl).get('/metrics').set('x-forwarded-for', '127.0.0.1').expect(403);
      await request(distrustingUrl).get('/metrics').set('x-forwarded-for', '203.0.113.9').expect(403);
    });
  });
});

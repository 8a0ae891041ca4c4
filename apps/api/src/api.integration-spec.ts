// The api process over real HTTP, real Postgres and real Redis: system endpoints, error shapes for
// both surfaces, the first super admin, login / me / logout, and OpenAPI.
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { ACCESS_KEY, Session, User } from '@gateway/identity';
import { TEST_ADMIN, waitFor } from '@gateway/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PinoLogger } from 'nestjs-pino';
import { storage } from 'nestjs-pino/storage';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../test/api-harness';
import { Drain } from './system/drain';

describe('api process', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi('api');
  });
  afterAll(async () => {
    await api.close();
  });

  describe('system endpoints', () => {
    it('GET /health answers ok with the running version', async () => {
      const res = await api.http.get('/health').expect(200);
      const { version } = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));
      expect(res.body).toEqual({ status: 'ok', version });
    });

    it('GET /ready checks Postgres and Redis for real', async () => {
      const res = await api.http.get('/ready').expect(200);
      expect(res.body).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
    });

    it('GET /metrics exposes process metrics and a request histogram labelled by route template', async () => {
      await api.http.get('/health').expect(200);
      await api.http.get('/api/no/such/thing').expect(404);
      const res = await api.http.get('/metrics').expect(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.text).toContain('process_cpu_user_seconds_total');
      expect(res.text).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/health",status_code="200"\} \d+/,
      );
      expect(res.text).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} \d+/,
      );
      expect(res.text).not.toContain('/api/no/such/thing');
      // The relay's routes, answered ahead of Nest's router, are labelled by their path too.
      await api.http.post('/v1/chat/completions').set('authorization', 'Bearer sk-nope').send({}).expect(401);
      const after = await api.http.get('/metrics').expect(200);
      expect(after.text).toMatch(
        /http_request_duration_seconds_count\{method="POST",route="\/v1\/chat\/completions",status_code="401"\} \d+/,
      );
    });

    it('echoes a sane caller x-request-id and makes one up otherwise', async () => {
      const mine = await api.http.get('/health').set('x-request-id', 'trace-123.abc').expect(200);
      expect(mine.headers['x-request-id']).toBe('trace-123.abc');
      const hostile = await api.http.get('/health').set('x-request-id', 'a b\tc'.repeat(50)).expect(200);
      expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      const none = await api.http.get('/api/nothing').expect(404);
      expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  it('binds a request logger (pino-http) for /api but not for /v1, which is logged as usage records', async () => {
    const child = jest.spyOn(PinoLogger.root, 'child');
    try {
      await api.http.get('/v1/models').expect(401);
      await api.http.post('/v1/chat/completions').send({}).expect(401);
      await api.http.get('/v1beta/models').expect(404);
      expect(child).not.toHaveBeenCalled();
      await api.http.get('/api/nothing').expect(404);
      expect(child).toHaveBeenCalled();
    } finally {
      child.mockRestore();
    }
  });

  it("releases the log lines' request context once no request is in flight (logContextWhileBusy)", async () => {
    const disable = jest.spyOn(storage, 'disable');
    try {
      await api.http.get('/api/nothing').expect(404);
      await new Promise((resolve) => setImmediate(resolve));
      expect(disable).toHaveBeenCalled();
    } finally {
      disable.mockRestore();
    }
  });

  describe('bad input gets a 4xx in the surface’s shape and changes nothing', () => {
    it('malformed JSON on /api → 400 in the /api shape', async () => {
      const res = await api.http
        .post('/api/auth/login')
        .set('content-type', 'application/json')
        .send('{"email":')
        .expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'invalid_json' });
    });

    it('malformed JSON on /v1 → 400 in OpenAI’s shape', async () => {
      const res = await api.http
        .post('/v1/chat/completions')
        .set('content-type', 'application/json')
        .send('{"model":')
        .expect(400);
      expect(res.body).toEqual({
        error: {
          message: expect.stringContaining('not valid JSON'),
          type: 'invalid_request_error',
          code: 'invalid_request_error',
          param: null,
        },
      });
    });

    it('an oversized body → 413 request_too_large on /api, 401 first on /v1 without a key', async () => {
      const big = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(1_100_000) });
      const admin = await api.http
        .post('/api/auth/login')
        .set('content-type', 'application/json')
        .send(big)
        .expect(413);
      expect(admin.body).toMatchObject({ statusCode: 413, code: 'request_too_large' });
      const huge = JSON.stringify({
        model: 'x',
        messages: [{ role: 'user', content: 'x'.repeat(21 * 1024 * 1024) }],
      });
      // Without a valid key a large /v1 body is not even read (relay-bad-bodies.e2e-spec.ts has the
      // 413 for a valid key).
      const relay = await api.http
        .post('/v1/chat/completions')
        .set('content-type', 'application/json')
        .send(huge)
        .expect(401);
      expect(relay.body.error).toMatchObject({ code: 'invalid_api_key' });
    });

    it('broken UTF-8 → 400, not silently replaced characters', async () => {
      const body = Buffer.concat([
        Buffer.from('{"email":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('@x.co","password":"p"}'),
      ]);
      // fetch, because supertest would JSON-encode a Buffer.
      const res = await fetch(`${api.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalid_encoding' });
    });

    it('an unknown route → 404 in each surface’s shape', async () => {
      const admin = await api.http.delete('/api/nope').expect(404);
      expect(admin.body).toMatchObject({ statusCode: 404, code: 'not_found' });
      const relay = await api.http.get('/v1/nope').expect(404);
      expect(relay.body.error).toMatchObject({ code: 'not_found', type: 'invalid_request_error' });
    });

    it('names every bad field and rejects unknown ones', async () => {
      const res = await api.http
        .post('/api/auth/login')
        .send({ email: 'nope', password: 42, role: 'super_admin' })
        .expect(400);
      expect(res.body.code).toBe('validation_failed');
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
      expect(fields).toEqual(['email', 'password', 'role']);
    });

    it('a JSON array or scalar body is refused, not crashed on', async () => {
      await api.http
        .post('/api/auth/login')
        .set('content-type', 'application/json')
        .send('"just a string"')
        .expect(400);
      const res = await api.http.post('/api/auth/login').send([1, 2, 3]).expect(400);
      expect(res.body.statusCode).toBe(400);
    });

    it('a route that is not a SPA path is never answered by the SPA', async () => {
      const res = await api.http.get('/api/auth').expect(404);
      expect(res.headers['content-type']).toContain('application/json');
    });
  });

  describe('first super admin', () => {
    it('exists once, from ADMIN_EMAIL / ADMIN_PASSWORD, with an argon2id hash', async () => {
      const users = await api.app.get(DataSource).getRepository(User).find();
      expect(users).toHaveLength(1);
      expect(users[0]).toMatchObject({ email: TEST_ADMIN.email, role: 'super_admin', disabled: false });
      expect(users[0]!.passwordHash).toMatch(/^\$argon2id\$/);
      expect(users[0]!.passwordHash).not.toContain(TEST_ADMIN.password);
    });
  });

  describe('login, me, logout', () => {
    it('logs in with the right password and returns a token, a cookie and the user without its hash', async () => {
      const res = await api.http
        .post('/api/auth/login')
        .send({ email: TEST_ADMIN.email.toUpperCase(), password: TEST_ADMIN.password })
        .expect(200);
      expect(res.body.accessToken).toMatch(/^gws_/);
      expect(res.body.user).toMatchObject({ email: TEST_ADMIN.email, role: 'super_admin' });
      expect(JSON.stringify(res.body)).not.toContain('argon2');
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toContain(`gw_session=${res.body.accessToken}`);
      expect(cookie).toContain('HttpOnly');
      // Only a hash of the token is stored.
      const stored = await api.app.get(DataSource).getRepository(Session).find();
      expect(stored.some((s) => s.tokenHash === res.body.accessToken)).toBe(false);
    });

    it('refuses a wrong password and an unknown email with the same 401', async () => {
      const wrong = await api.http
        .post('/api/auth/login')
        .send({ email: TEST_ADMIN.email, password: 'wrong password' })
        .expect(401);
      const unknown = await api.http
        .post('/api/auth/login')
        .send({ email: 'who@example.test', password: 'whatever' })
        .expect(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body).toMatchObject({ statusCode: 401, code: 'invalid_credentials' });
    });

    it('GET /api/auth/me works with the bearer token and with the cookie', async () => {
      const token = await api.adminToken();
      const bearer = await api.http.get('/api/auth/me').set('authorization', `Bearer ${token}`).expect(200);
      expect(bearer.body).toMatchObject({ email: TEST_ADMIN.email, role: 'super_admin' });
      await api.http.get('/api/auth/me').set('cookie', `gw_session=${token}`).expect(200);
    });

    it('GET /api/auth/me without or with a bogus token → 401', async () => {
      const res = await api.http.get('/api/auth/me').expect(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'unauthenticated' });
      await api.http
        .get('/api/auth/me')
        .set('authorization', 'Bearer gws_' + 'x'.repeat(43))
        .expect(401);
      await api.http.get('/api/auth/me').set('authorization', 'Bearer nonsense').expect(401);
    });

    it('logout revokes the token', async () => {
      const token = await api.adminToken();
      await api.http.post('/api/auth/logout').set('authorization', `Bearer ${token}`).expect(204);
      await api.http.get('/api/auth/me').set('authorization', `Bearer ${token}`).expect(401);
    });

    it('an expired session no longer authenticates', async () => {
      const token = await api.adminToken();
      await api.app.get(DataSource).query(`UPDATE sessions SET expires_at = now() - interval '1 second'`);
      await api.http.get('/api/auth/me').set('authorization', `Bearer ${token}`).expect(401);
    });
  });

  describe('access declarations', () => {
    it('every controller route declares who may call it (the guard refuses routes that do not)', () => {
      const modules = api.app.get(ModulesContainer);
      const reflector = api.app.get(Reflector);
      const scanner = new MetadataScanner();
      const undeclared: string[] = [];
      let routes = 0;
      for (const wrapper of [...modules.values()].flatMap((m) => [...m.controllers.values()])) {
        const instance = wrapper.instance as object | undefined;
        if (!instance) continue;
        const proto = Object.getPrototypeOf(instance) as object;
        for (const method of scanner.getAllMethodNames(proto)) {
          const handler = (proto as Record<string, unknown>)[method] as (...args: unknown[]) => unknown;
          if (Reflect.getMetadata('path', handler) === undefined) continue;
          routes++;
          const rule = reflector.getAllAndOverride(ACCESS_KEY, [handler, instance.constructor]);
          if (!rule) undeclared.push(`${instance.constructor.name}.${method}`);
        }
      }
      expect(routes).toBeGreaterThanOrEqual(6);
      expect(undeclared).toEqual([]);
    });
  });

  describe('OpenAPI', () => {
    it('serves the document at /api/openapi.json with the auth routes and a UI at /api/docs', async () => {
      // The document is built at the first request for it, not at boot: the UI's script asks first
      // here, so building it on that path is what this covers; the JSON and YAML then serve the same.
      const init = await api.http.get('/api/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toContain('/api/auth/login');
      const doc = await api.http.get('/api/openapi.json').expect(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining(['/api/auth/login', '/api/auth/me', '/api/auth/logout', '/ready']),
      );
      const ui = await api.http.get('/api/docs/').expect(200);
      expect(ui.text).toContain('swagger-ui');
      const yaml = await api.http.get('/api/openapi.yaml').expect(200);
      expect(yaml.text).toContain('/api/auth/login:');
    });
  });
});

describe('api process without ADMIN_EMAIL / ADMIN_PASSWORD', () => {
  it('starts, creates no user, and so has no password anyone could guess', async () => {
    const api = await startApi('api-noadmin', { ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    try {
      expect(await api.app.get(DataSource).getRepository(User).count()).toBe(0);
      await api.http
        .post('/api/auth/login')
        .send({ email: 'admin@example.com', password: 'admin123456' })
        .expect(401);
    } finally {
      await api.close();
    }
  });
});

describe('api process whose Redis is down', () => {
  it('still serves /health, and /ready says 503 with redis down', async () => {
    const api = await startApi('api-noredis', { REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      await api.http.get('/health').expect(200);
      const res = await api.http.get('/ready').expect(503);
      expect(res.body).toEqual({ status: 'unavailable', checks: { postgres: 'up', redis: 'down' } });
    } finally {
      await api.close();
    }
  });
});

describe('api process that is draining', () => {
  it('says 503 draining at /ready, shows its commit at /health, and waits for in-flight requests', async () => {
    const api = await startApi('api-drain', { GATEWAY_COMMIT: '0123abc' });
    try {
      const drain = api.app.get(Drain);
      expect((await api.http.get('/health').expect(200)).body).toMatchObject({ commit: '0123abc' });
      expect(drain.inFlight).toBe(0);
      await expect(drain.whenIdle(10)).resolves.toBe(true);
      drain.start();
      const res = await api.http.get('/ready').expect(503);
      expect(res.body).toEqual({ status: 'draining', checks: { postgres: 'up', redis: 'up' } });
      // Kept-alive connections are told to close, so they carry no new request into this process.
      expect(res.headers['connection']).toBe('close');
      // A request in flight holds the drain until its handler (and what it does after answering) ends.
      const slow = api.http
        .post('/api/auth/login')
        .send({ email: 'x@example.test', password: 'wrong-password' });
      const pending = slow.then((r) => r.status);
      await waitFor(
        'the login to be in flight',
        async () => (drain.inFlight > 0 ? true : undefined),
        5_000,
        1,
      );
      await expect(drain.whenIdle(0)).resolves.toBe(false);
      await expect(drain.whenIdle(10_000)).resolves.toBe(true);
      expect(await pending).toBe(401);
    } finally {
      await api.close();
    }
  });
});

// Seeded tenants and logged-in users of any role, written straight to the database (so suites do
// not depend on the API they are testing) and logged in through the real /api/auth/login.
import { randomBytes } from 'node:crypto';
import { Role, Tenant, User } from '@gateway/identity';
import type { UsageEvent } from '@gateway/usage';
import * as argon2 from 'argon2';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { ApiHarness } from './api-harness';

export interface Session {
  user: User;
  token: string;
  /** supertest against the api with this session's bearer token. */
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  patch(path: string, body?: object): request.Test;
  put(path: string, body?: object): request.Test;
  delete(path: string): request.Test;
}

const PASSWORD = 'fixture-password-1';
let passwordHash: Promise<string> | undefined;

export async function seedTenant(api: ApiHarness, overrides: Partial<Tenant> = {}): Promise<Tenant> {
  const repo = api.app.get(DataSource).getRepository(Tenant);
  return repo.save(
    repo.create({
      name: `tenant-${randomBytes(4).toString('hex')}`,
      group: 'default',
      timezone: 'UTC',
      ...overrides,
    }),
  );
}

export async function seedUser(
  api: ApiHarness,
  role: Role,
  tenantId: string | null,
  overrides: Partial<User> = {},
): Promise<User> {
  passwordHash ??= argon2.hash(PASSWORD);
  const repo = api.app.get(DataSource).getRepository(User);
  return repo.save(
    repo.create({
      email: `${role}-${randomBytes(4).toString('hex')}@example.test`,
      passwordHash: await passwordHash,
      role,
      tenantId,
      disabled: false,
      ...overrides,
    }),
  );
}

export async function login(api: ApiHarness, user: User): Promise<Session> {
  const res = await request(api.url)
    .post('/api/auth/login')
    .send({ email: user.email, password: PASSWORD })
    .expect(200);
  const token = (res.body as { accessToken: string }).accessToken;
  const auth = (test: request.Test) => test.set('authorization', `Bearer ${token}`);
  return {
    user,
    token,
    get: (path) => auth(request(api.url).get(path)),
    post: (path, body) => auth(request(api.url).post(path)).send(body ?? {}),
    patch: (path, body) => auth(request(api.url).patch(path)).send(body ?? {}),
    put: (path, body) => auth(request(api.url).put(path)).send(body ?? {}),
    delete: (path) => auth(request(api.url).delete(path)),
  };
}

/** A user of `role` in `tenantId` (null for super_admin), logged in. */
export async function sessionAs(api: ApiHarness, role: Role, tenantId: string | null): Promise<Session> {
  return login(api, await seedUser(api, role, role === Role.SuperAdmin ? null : tenantId));
}

/** A usage event of a successful chat completion that cost nothing; `over` says what a test is about. */
export function usageEvent(
  over: Partial<UsageEvent> & Pick<UsageEvent, 'requestId' | 'tenantId' | 'tokenId'>,
): UsageEvent {
  return {
    startedAt: new Date().toISOString(),
    endpoint: 'chat.completions',
    model: 'gpt-4o-mini',
    stream: false,
    channelId: null,
    channelKeyId: null,
    upstreamModel: null,
    promptTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    completionTokens: 0,
    reasoningTokens: 0,
    usageSource: 'upstream',
    costNano: '0',
    coveredNano: '0',
    planPeriodStart: null,
    latencyMs: 0,
    ttftMs: null,
    status: 200,
    errorCode: null,
    errorMessage: null,
    fallbacks: [],
    clientIp: null,
    ...over,
  };
}

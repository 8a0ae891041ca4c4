// A re-run of the NewAPI import changes accounts the way PATCH /api/users does: a password changed
// in NewAPI (say, after a leak), a demotion or a disabled user there must end the gateway sessions
// that were opened with the old one, as a change through /api/users does.
import * as bcrypt from 'bcryptjs';
import request from 'supertest';
import { startApi, type ApiHarness } from '../api-harness';
import { buildSqliteSource, changedSqliteSource, PASSWORDS } from './newapi-source-fixture';

describe('a NewAPI re-import ends the sessions its changes invalidate', () => {
  let api: ApiHarness;
  let admin: string;
  let source: Uint8Array;

  beforeAll(async () => {
    api = await startApi('newapi_reimport_sessions');
    admin = await api.adminToken();
    source = await buildSqliteSource({ upstream: 'http://127.0.0.1:9', aliceQuota: 0, prefix: '' });
    await upload(source).expect(200);
  });
  afterAll(async () => {
    await api?.close();
  });

  const upload = (bytes: Uint8Array) =>
    request(api.url)
      .post('/api/imports/newapi')
      .set('authorization', `Bearer ${admin}`)
      .field('dryRun', 'false')
      .attach('file', Buffer.from(bytes), 'one-api.db');
  const signIn = async (username: string, password: string) =>
    (await request(api.url).post('/api/auth/login').send({ username, password }).expect(200)).body
      .accessToken as string;
  const me = (token: string) => request(api.url).get('/api/auth/me').set('authorization', `Bearer ${token}`);

  it('a password changed in NewAPI ends the sessions opened with the old one', async () => {
    const session = await signIn('alice', PASSWORDS.alice);
    await me(session).expect(200);
    const changed = await changedSqliteSource(source, [
      `UPDATE users SET password = '${await bcrypt.hash('alice-new-password', 4)}' WHERE id = 2`,
    ]);
    await upload(changed).expect(200);
    await me(session).expect(401);
    await request(api.url)
      .post('/api/auth/login')
      .send({ username: 'alice', password: PASSWORDS.alice })
      .expect(401);
    await me(await signIn('alice', 'alice-new-password')).expect(200);
    source = changed;
  });

  it('a NewAPI admin demoted there loses the super admin session they had', async () => {
    const session = await signIn('root', PASSWORDS.root);
    expect((await me(session).expect(200)).body.role).toBe('super_admin');
    source = await changedSqliteSource(source, [`UPDATE users SET role = 1 WHERE id = 1`]);
    await upload(source).expect(200);
    await me(session).expect(401);
    // Signing in again gives the role NewAPI now says.
    expect((await me(await signIn('root', PASSWORDS.root)).expect(200)).body.role).toBe('owner');
  });

  it('a NewAPI email that is an address only before normalising is not stored: the fallback is', async () => {
    const other = await changedSqliteSource(
      await buildSqliteSource({ upstream: 'http://127.0.0.1:9', aliceQuota: 0, prefix: 'odd' }),
      [`UPDATE users SET email = 'odd\uff20evil.test@example.com' WHERE id = 2`],
    );
    await upload(other).expect(200);
    const email = await request(api.url)
      .post('/api/auth/login')
      .send({ username: 'oddalice', password: PASSWORDS.alice })
      .expect(200)
      .then((res) => res.body.user.email as string);
    expect(email).toMatch(/@imported\.invalid$/);
  });

  it('a re-run that changes nothing leaves the sessions alone', async () => {
    const session = await signIn('alice', 'alice-new-password');
    await upload(source).expect(200);
    await me(session).expect(200);
  });
});

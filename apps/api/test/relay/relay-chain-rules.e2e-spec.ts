// Model chains that could never be served are refused when written: chains do not nest (a member is
// tried as a served model, never as a chain), and one model falls back to one chain. A chain may
// still take a served model's name (the model wins where it is served), and then be another's member.
import OpenAI from 'openai';
import request from 'supertest';
import type { ApiHarness } from '../api-harness';
import { createChannel, fund, sdk, seedTenantWithToken, startRelay, type Relay } from './relay-fixture';

interface ChainView {
  id: string;
  name: string;
  models: string[];
  fallbackFor: string[];
}

describe('model chain rules (/api/model-chains → openai SDK → mock upstream)', () => {
  let relay: Relay;
  let api: ApiHarness;
  let admin: string;
  let client: OpenAI;

  beforeAll(async () => {
    relay = await startRelay('relay_chain_rules');
    ({ api, admin } = relay);
    await createChannel(api, admin, {
      name: 'pool',
      baseUrl: relay.mock.baseUrl,
      models: ['llama', 'qwen', 'gpt-4o'],
      keys: ['sk-mock-pool'],
    });
    const seeded = await seedTenantWithToken(api, admin);
    await fund(api, seeded.tenantId, '10');
    client = sdk(api, seeded.key);
  });
  afterAll(() => relay?.close());

  const admin$ = () => ({ authorization: `Bearer ${admin}` });
  const post = (body: object) => request(api.url).post('/api/model-chains').set(admin$()).send(body);
  const patch = (id: string, body: object) =>
    request(api.url).patch(`/api/model-chains/${id}`).set(admin$()).send(body);
  const chains = async () =>
    (
      (await request(api.url).get('/api/model-chains').set(admin$()).expect(200)).body as {
        items: ChainView[];
      }
    ).items;
  const fieldsOf = (res: request.Response) =>
    (res.body as { errors?: { field: string }[] }).errors?.map((e) => e.field);

  it('refuses a member that names another chain no channel serves, either way round, changing nothing', async () => {
    const free = (await post({ name: 'free-chat', models: ['llama', 'qwen'] }).expect(201)).body as ChainView;
    const before = await chains();

    // A chain as a member: never tried as a chain, and no model of that name exists.
    const nested = await post({ name: 'outer', models: ['free-chat', 'qwen'] });
    expect(nested.status).toBe(400);
    expect(fieldsOf(nested)).toEqual(['models']);
    expect(JSON.stringify(nested.body)).toContain('free-chat');

    // Two chains naming each other: the second write closes the loop and is refused.
    const a = (await post({ name: 'ring-a', models: ['ring-b', 'llama'] }).expect(201)).body as ChainView;
    const loop = await post({ name: 'ring-b', models: ['ring-a', 'qwen'] });
    expect(loop.status).toBe(400);
    expect(fieldsOf(loop)).toEqual(['models']);
    // Made a chain after the fact, a member name turns into a chain that would never be served.
    const later = await post({ name: 'ring-b', models: ['qwen'] });
    expect(later.status).toBe(400);
    expect(fieldsOf(later)).toEqual(['name']);
    // The same by a PATCH: a member, or a rename onto another chain's member.
    expect(fieldsOf(await patch(free.id, { models: ['llama', 'ring-a'] }).expect(400))).toEqual(['models']);
    expect(fieldsOf(await patch(free.id, { name: 'ring-b' }).expect(400))).toEqual(['name']);
    // Its own name was refused already.
    expect(fieldsOf(await patch(a.id, { models: ['ring-a'] }).expect(400))).toEqual(['models']);

    expect(await chains()).toEqual([...before, a].sort((x, y) => x.name.localeCompare(y.name)));
  });

  it('refuses a second chain for a model that already falls back to one, changing nothing', async () => {
    const first = (await post({ name: 'backup-1', models: ['qwen'], fallbackFor: ['llama'] }).expect(201))
      .body as ChainView;
    const before = await chains();
    const second = await post({
      name: 'backup-2',
      models: ['gpt-4o'],
      fallbackFor: ['gpt-4o-mini', 'llama'],
    });
    expect(second.status).toBe(400);
    expect(fieldsOf(second)).toEqual(['fallbackFor']);
    expect(JSON.stringify(second.body)).toContain('backup-1');
    const other = (
      await post({ name: 'backup-3', models: ['gpt-4o'], fallbackFor: ['gpt-4o-mini'] }).expect(201)
    ).body as ChainView;
    expect(fieldsOf(await patch(other.id, { fallbackFor: ['llama'] }).expect(400))).toEqual(['fallbackFor']);
    // Its own attachment, sent again with its other fields, is no conflict.
    await patch(first.id, { models: ['qwen', 'gpt-4o'], fallbackFor: ['llama'] }).expect(200);
    const after = await chains();
    expect(after.filter((c) => c.name !== 'backup-3' && c.name !== 'backup-1')).toEqual(
      before.filter((c) => c.name !== 'backup-1'),
    );
  });

  it('keeps a chain that shadows a served model usable as another chain’s member', async () => {
    // `gpt-4o` is served: it wins over its chain, so the member is the model and answers.
    await post({ name: 'gpt-4o', models: ['llama'] }).expect(201);
    await post({ name: 'smart', models: ['gpt-4o', 'qwen'] }).expect(201);
    const answer = await client.chat.completions.create({
      model: 'smart',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.model).toBe('gpt-4o');
  });
});

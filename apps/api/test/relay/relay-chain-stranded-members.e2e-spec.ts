// A chain member no channel serves any more (its model removed, its channel disabled or deleted, its
// groups or mapping changed after the chain was written): requests to the chain skip it and are
// served by the next member, and the chain's view tells the operator which members are stranded.
import OpenAI from 'openai';
import request from 'supertest';
import { waitFor } from '@gateway/testing';
import type { ApiHarness } from '../api-harness';
import {
  createChannel,
  fund,
  sdk,
  sdkError,
  seedTenantWithToken,
  startRelay,
  type Relay,
} from './relay-fixture';

interface MemberView {
  model: string;
  servable: boolean;
  groups: string[];
  reason: string | null;
}

interface ChainView {
  id: string;
  name: string;
  models: string[];
  members: MemberView[];
}

describe('chain members a channel edit strands (/api/channels → /api/model-chains → openai SDK)', () => {
  let relay: Relay;
  let api: ApiHarness;
  let admin: string;
  let client: OpenAI;
  let first: string;
  let second: string;
  let chainId: string;

  beforeAll(async () => {
    relay = await startRelay('relay_chain_stranded');
    ({ api, admin } = relay);
    first = (
      await createChannel(api, admin, {
        name: 'first-pool',
        baseUrl: relay.mock.baseUrl,
        models: ['llama', 'gemma', 'free-mistral'],
        modelMapping: { 'free-mistral': 'mistral' },
        keys: ['sk-mock-first'],
      })
    ).id;
    second = (
      await createChannel(api, admin, {
        name: 'second-pool',
        baseUrl: relay.mock.baseUrl,
        models: ['qwen'],
        keys: ['sk-mock-second'],
      })
    ).id;
    const seeded = await seedTenantWithToken(api, admin);
    await fund(api, seeded.tenantId, '10');
    client = sdk(api, seeded.key);
    chainId = (
      (
        await request(api.url)
          .post('/api/model-chains')
          .set(admin$())
          .send({ name: 'free-chat', models: ['llama', 'free-mistral', 'qwen'] })
          .expect(201)
      ).body as ChainView
    ).id;
  });
  afterAll(() => relay?.close());

  const admin$ = () => ({ authorization: `Bearer ${admin}` });
  const editChannel = (id: string, body: object) =>
    request(api.url).patch(`/api/channels/${id}`).set(admin$()).send(body).expect(200);
  const chain = async () =>
    (await request(api.url).get(`/api/model-chains/${chainId}`).set(admin$()).expect(200)).body as ChainView;
  const listed = async () =>
    (
      (await request(api.url).get('/api/model-chains').set(admin$()).expect(200)).body as {
        items: ChainView[];
      }
    ).items.find((c) => c.id === chainId) as ChainView;
  const ask = () =>
    client.chat.completions.create({ model: 'free-chat', messages: [{ role: 'user', content: 'hi' }] });
  /** Waits until the relay's table has the edit: the chain is answered by `model`. */
  const servedBy = (model: string) =>
    waitFor(`free-chat to be served by ${model}`, async () =>
      (await ask()).model === model ? true : undefined,
    );

  it('shows every member servable, with its groups, while channels serve them', async () => {
    const view = await chain();
    expect(view.members).toEqual([
      { model: 'llama', servable: true, groups: ['default'], reason: null },
      { model: 'free-mistral', servable: true, groups: ['default'], reason: null },
      { model: 'qwen', servable: true, groups: ['default'], reason: null },
    ]);
    expect((await listed()).members).toEqual(view.members);
    expect((await ask()).model).toBe('llama');
  });

  it('skips a member whose model a channel edit removed, and says so in the chain view', async () => {
    await editChannel(first, { models: ['gemma', 'free-mistral'] });
    await servedBy('mistral');
    const view = await chain();
    expect(view.members[0]).toEqual({
      model: 'llama',
      servable: false,
      groups: [],
      reason: 'not_served',
    });
    expect(view.members.slice(1).map((m) => m.servable)).toEqual([true, true]);
  });

  it('refuses a key that may use only stranded members as it refuses one that may use none (403), not as an upstream failure', async () => {
    const seeded = await seedTenantWithToken(api, admin, { models: ['free-chat', 'llama'] });
    await fund(api, seeded.tenantId, '1');
    const error = await sdkError(
      sdk(api, seeded.key).chat.completions.create({
        model: 'free-chat',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(error.status).toBe(403);
    expect(error.code).toBe('model_not_allowed');
    expect(error.message).toContain('free-chat');
  });

  it('skips a member whose alias and mapping were removed', async () => {
    await editChannel(first, { models: ['gemma'], modelMapping: {} });
    await servedBy('qwen');
    expect((await chain()).members.map((m) => [m.model, m.servable])).toEqual([
      ['llama', false],
      ['free-mistral', false],
      ['qwen', true],
    ]);
  });

  it('counts only the groups a channel serves, and names a disabled channel as the reason', async () => {
    await editChannel(first, {
      models: ['gemma', 'free-mistral', 'llama'],
      modelMapping: { 'free-mistral': 'mistral' },
    });
    await servedBy('llama');
    await editChannel(first, { groups: ['vip'] });
    await servedBy('qwen');
    const moved = (await chain()).members;
    expect(moved[0]).toEqual({ model: 'llama', servable: true, groups: ['vip'], reason: null });

    await editChannel(first, { status: 'disabled', groups: ['default'] });
    const disabled = (await chain()).members;
    expect(disabled[0]).toEqual({
      model: 'llama',
      servable: false,
      groups: [],
      reason: 'channels_disabled',
    });
    await servedBy('qwen');
  });

  it('refuses the chain by name only when no member is servable, and a deleted channel strands its members', async () => {
    await editChannel(second, { status: 'disabled' });
    const error = await waitFor('free-chat to be refused', async () => {
      const e = await sdkError(ask()).catch(() => undefined);
      return e?.status === 404 ? e : undefined;
    });
    expect(error.status).toBe(404);
    expect(error.message).toContain('free-chat');
    expect((await chain()).members.every((m) => !m.servable)).toBe(true);

    await editChannel(second, { status: 'enabled' });
    await servedBy('qwen');
    await request(api.url).delete(`/api/channels/${second}`).set(admin$()).expect(204);
    expect((await chain()).members[2]).toEqual({
      model: 'qwen',
      servable: false,
      groups: [],
      reason: 'not_served',
    });
  });
});

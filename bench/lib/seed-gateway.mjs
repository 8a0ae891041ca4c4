// The gateway set up the way an operator would, through /api: log in, one channel per mock behaviour
// (pointing at the mock, with a few keys that carry the behaviour), a price per model, a tenant with
// credit, a token.
import { BEHAVIOURS } from './options.mjs';

/**
 * The mock's keys of each model's channel: the mock ignores a key's first ";" segment and obeys the
 * rest. The direct and Portkey runs send them themselves; the gateway holds them in its channels.
 * @param {number} keysPerChannel for each channel whose behaviour does not name its own count
 * @returns {Record<string, string[]>}
 */
export function mockKeysByModel(keysPerChannel) {
  return Object.fromEntries(
    Object.entries(BEHAVIOURS).map(([name, { model, behaviour, keys }]) => [
      model,
      Array.from({ length: keys ?? keysPerChannel }, (_, i) => `sk-bench-${name}-${i + 1};${behaviour}`),
    ]),
  );
}

/**
 * Channels seeded only after the idle RSS is read (`addLaterChannels`): the idle figures stay those of
 * the same four channels run after run (adding 100 keys leaves the api and the worker a few MB
 * larger for a while: the keys' inserts, their snapshots reloaded in both processes).
 */
const LATER = ['pool'];

/** The models of each channel a scenario's `tableChannels` adds. */
const TABLE_MODELS = 50;

/**
 * @param {string} gatewayUrl
 * @param {{ email: string, password: string }} admin
 * @param {string} mockUrl
 * @param {Record<string, string[]>} keysByModel from mockKeysByModel
 * @returns {Promise<{ token: string, addLaterChannels: () => Promise<void>,
 *   addTableChannels: (count: number) => Promise<() => Promise<void>> }>}
 */
export async function seedGateway(gatewayUrl, admin, mockUrl, keysByModel) {
  const call = async (method, path, body, bearer, { allowNotFound = false } = {}) => {
    const res = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (allowNotFound && res.status === 404) return null;
    if (!res.ok) throw new Error(`seeding: ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text === '' ? {} : JSON.parse(text);
  };

  const { accessToken } = await call('POST', '/api/auth/login', admin);
  const addChannels = async (names) => {
    for (const name of names) {
      const { model } = BEHAVIOURS[name];
      const channel = await call(
        'POST',
        '/api/channels',
        {
          name: `bench-${name}`,
          type: 'openai',
          baseUrl: `${mockUrl}/v1`,
          models: [model],
          timeoutMs: 30_000,
        },
        accessToken,
      );
      await call('POST', `/api/channels/${channel.id}/keys`, { keys: keysByModel[model] }, accessToken);
      await call(
        'PUT',
        `/api/models/${model}/price`,
        { inputPer1M: '0.15', outputPer1M: '0.6' },
        accessToken,
      );
    }
  };
  await addChannels(Object.keys(BEHAVIOURS).filter((name) => !LATER.includes(name)));
  const tenant = await call('POST', '/api/tenants', { name: 'bench tenant' }, accessToken);
  // The relay holds each request's worst-case cost against the balance (402 when short), so the tenant
  // gets far more credit than a run spends. A gateway without top-ups (404) does not check balances.
  await call(
    'POST',
    `/api/tenants/${tenant.id}/topups`,
    { amountUsd: '100000', note: 'benchmark credit' },
    accessToken,
    { allowNotFound: true },
  );
  const token = await call('POST', '/api/tokens', { name: 'bench', tenantId: tenant.id }, accessToken);
  /**
   * `count` channels of TABLE_MODELS models each that no scenario asks for, as a deployment with many
   * channels has them; resolves to what removes them again.
   */
  const addTableChannels = async (count) => {
    const ids = [];
    for (let i = 0; i < count; i++) {
      const models = Array.from({ length: TABLE_MODELS }, (_, m) => `table-${i}-model-${m}`);
      const channel = await call(
        'POST',
        '/api/channels',
        { name: `bench-table-${i}`, type: 'openai', baseUrl: `${mockUrl}/v1`, models, timeoutMs: 30_000 },
        accessToken,
      );
      await call('POST', `/api/channels/${channel.id}/keys`, { keys: [`sk-bench-table-${i}`] }, accessToken);
      ids.push(channel.id);
    }
    return async () => {
      for (const id of ids) await call('DELETE', `/api/channels/${id}`, undefined, accessToken);
    };
  };
  return { token: token.key, addLaterChannels: () => addChannels(LATER), addTableChannels };
}

// The three things a scenario is measured on, each as a Target (see measure-target.mjs): where requests
// go, with which headers, and which processes serve them (metered, RSS-sampled, waited for at the end).
import { portkeyHeaders } from './portkey.mjs';

const bearer = (key) => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });

/**
 * The mock alone, called with the keys the gateway's channels hold.
 * @param {{ process: import('./child-processes.mjs').ChildProcess, url: string }} mock
 * @param {Record<string, string[]>} keysByModel
 * @returns {import('./measure-target.mjs').Target}
 */
export function directTarget(mock, keysByModel) {
  return {
    name: 'direct',
    origin: mock.url,
    headersFor: (model) => keysByModel[model].map(bearer),
    processes: [mock.process],
    rssPids: {},
    settleNames: ['mock'],
  };
}

/**
 * This gateway: api and worker, called with the seeded token.
 * @param {{ api: import('./child-processes.mjs').ChildProcess, worker: import('./child-processes.mjs').ChildProcess, url: string }} gateway
 * @param {string} token
 * @returns {import('./measure-target.mjs').Target}
 */
export function gatewayTarget(gateway, token) {
  return {
    name: 'gateway',
    origin: gateway.url,
    headersFor: () => [bearer(token)],
    processes: [gateway.api, gateway.worker],
    rssPids: { api: gateway.api.pid, worker: gateway.worker.pid },
    settleNames: ['api', 'worker'],
  };
}

/**
 * Portkey's gateway, called with the mock's keys and the mock as its OpenAI provider's host.
 * @param {{ process: import('./child-processes.mjs').ChildProcess, url: string }} portkey
 * @param {string} mockUrl
 * @param {Record<string, string[]>} keysByModel
 * @returns {import('./measure-target.mjs').Target}
 */
export function portkeyTarget(portkey, mockUrl, keysByModel) {
  return {
    name: 'portkey',
    origin: portkey.url,
    headersFor: (model) => keysByModel[model].map((key) => portkeyHeaders(mockUrl, key)),
    processes: [portkey.process],
    rssPids: { portkey: portkey.process.pid },
    settleNames: ['portkey'],
  };
}

/**
 * The floor: a minimal Node relay (floor-relay.mjs) in front of the mock, called with the mock's keys.
 * @param {{ process: import('./child-processes.mjs').ChildProcess, url: string }} floor
 * @param {Record<string, string[]>} keysByModel
 * @returns {import('./measure-target.mjs').Target}
 */
export function floorTarget(floor, keysByModel) {
  // Called like the mock itself, only through the floor relay.
  return {
    ...directTarget(floor, keysByModel),
    name: 'floor',
    rssPids: { floor: floor.process.pid },
    settleNames: ['floor'],
  };
}

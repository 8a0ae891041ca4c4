// Routing candidates for the relay's specs: an enabled key or channel with no caps, and the
// overrides a test is about.
import type { ChannelCandidate, KeyCandidate } from './routing-snapshot';

export function keyCandidate(id: string, overrides: Partial<KeyCandidate> = {}): KeyCandidate {
  return {
    id,
    priority: 0,
    weight: 1,
    status: 'enabled',
    rpm: null,
    tpm: null,
    rpd: null,
    tpd: null,
    modelLimits: {},
    ...overrides,
  };
}

/** Serves gpt-4o to the default group, with one key `<id>-k1`. */
export function channelCandidate(id: string, overrides: Partial<ChannelCandidate> = {}): ChannelCandidate {
  return {
    id,
    name: `ch-${id}`,
    type: 'openai',
    models: ['gpt-4o'],
    modelMapping: {},
    priority: 0,
    weight: 1,
    groups: ['default'],
    status: 'enabled',
    keys: [keyCandidate(`${id}-k1`)],
    ...overrides,
  };
}

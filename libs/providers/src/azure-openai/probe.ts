// Azure's key probe: Azure keys belong to a resource whose deployments are what matters, so the
// probe is a 1-token chat completion to the channel's deployment, built by the codec the relay uses.
import type { CanonicalRequest, UpstreamCall, UpstreamTarget } from '../canonical/canonical-model';
import { azureOpenAiCodec } from './azure-codec';

const PING: CanonicalRequest = {
  model: '',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'ping' }] }],
  tools: [],
  toolChoice: null,
  parallelToolCalls: null,
  maxOutputTokens: 1,
  temperature: null,
  topP: null,
  topK: null,
  stop: [],
  seed: null,
  responseFormat: null,
  reasoning: null,
  stream: false,
  user: null,
};

export function buildAzureProbeRequest(target: UpstreamTarget): UpstreamCall {
  return azureOpenAiCodec.buildRequest({ ...PING, model: target.upstreamModel }, target);
}

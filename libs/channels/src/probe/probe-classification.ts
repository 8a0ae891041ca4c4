// What a probe's answer says about a key, as a health finding. What an upstream's error answer
// means is the providers' reading (errorClassifierFor), the very one the relay fails over on; this
// only names it in the probes' terms.
import { errorClassifierFor, type UpstreamErrorResponse, type UpstreamVerdictKind } from '@gateway/providers';
import type { KeyHealth } from '../entities/channel-key.entity';

export type ProbeHealth = Exclude<KeyHealth, 'unknown'>;

/**
 * | verdict                  | health       |                                               |
 * | ------------------------ | ------------ | --------------------------------------------- |
 * | bad_key, out_of_credit   | invalid      | no wait helps: a human must act on the key    |
 * | rate_limited             | rate_limited | the key is genuine, only busy                 |
 * | retry, client_error,     | error        | (a timeout or a connection error is one too); |
 * | model_refused            |              | the probe's model is not open to the key      |
 */
const HEALTH_OF: Record<UpstreamVerdictKind, ProbeHealth> = {
  bad_key: 'invalid',
  out_of_credit: 'invalid',
  rate_limited: 'rate_limited',
  retry: 'error',
  client_error: 'error',
  model_refused: 'error',
};

export function probeHealthOf(kind: UpstreamVerdictKind): ProbeHealth {
  return HEALTH_OF[kind];
}

export interface ProbeFinding {
  result: ProbeHealth;
  /** What the upstream said about an error (not masked), null when it said nothing or all was well. */
  said: string | null;
}

/** The finding of an answer from a channel of `type`: 2xx is healthy, else its error's verdict. */
export function classifyProbeAnswer(type: string, answer: UpstreamErrorResponse): ProbeFinding {
  if (answer.status >= 200 && answer.status < 300) return { result: 'healthy', said: null };
  const verdict = errorClassifierFor(type)(answer);
  return { result: probeHealthOf(verdict.kind), said: verdict.error.message };
}

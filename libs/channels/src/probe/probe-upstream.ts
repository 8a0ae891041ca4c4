// One probe of one key: build the provider's request, send it, classify, mask. No database here,
// so the worker's scheduled probes and the dashboard's "test" button share exactly this.
import { maskSecrets } from '@gateway/providers';
import { classifyProbeAnswer, ProbeHealth } from './probe-classification';
import { buildHealthCheckRequest, buildProbeRequest, ProbeTarget } from './probe-request';
import { sendUpstreamRequest } from './send-upstream-request';

const MAX_MESSAGE_CHARS = 500;

export interface ProbeResult {
  ok: boolean;
  result: ProbeHealth;
  /** The upstream's HTTP status; null when no response came (timeout, connection error). */
  status: number | null;
  latencyMs: number;
  /** "ok", the upstream's error text, or what went wrong on the way; secrets masked. */
  message: string;
}

/**
 * `completion` (the test button) sends a 1-token chat with the chosen model; `health` (the scheduled
 * probes) the cheapest authenticated call of buildHealthCheckRequest.
 */
export type ProbeKind = 'completion' | 'health';

export async function probeUpstream(
  target: ProbeTarget,
  apiKey: string,
  timeoutMs: number,
  kind: ProbeKind = 'completion',
): Promise<ProbeResult> {
  const req = kind === 'health' ? buildHealthCheckRequest(target, apiKey) : buildProbeRequest(target, apiKey);
  const outcome = await sendUpstreamRequest(req, timeoutMs);
  const safe = (text: string) => maskSecrets(text, [apiKey]).slice(0, MAX_MESSAGE_CHARS);
  if (outcome.kind === 'failure') {
    return {
      ok: false,
      result: 'error',
      status: null,
      latencyMs: outcome.latencyMs,
      message: safe(outcome.detail),
    };
  }
  const { result, said } = classifyProbeAnswer(target.type, outcome);
  const message = result === 'healthy' ? 'ok' : (said ?? `HTTP ${outcome.status}`);
  return {
    ok: result === 'healthy',
    result,
    status: outcome.status,
    latencyMs: outcome.latencyMs,
    message: safe(message),
  };
}

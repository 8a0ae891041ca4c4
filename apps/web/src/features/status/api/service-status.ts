// Client for the api's liveness (GET /health) and readiness (GET /ready) probes.
//   /health -> 200 {"status":"ok","version":"0.1.0","commit":"abc1234"} (commit only when the build set one)
//   /ready  -> 200 {"status":"ok","checks":{"postgres":"up","redis":"up"}}
//              503 with the same shape and "down" for the failing checks
// Anything else (network failure, timeout, proxy error page, unexpected body) is reported as "error",
// which is distinct from "down": "down" means the api answered and said so.

import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../../../api/query-keys';

export type CheckState = 'loading' | 'up' | 'down' | 'error';

export const DEPENDENCY_CHECKS = ['postgres', 'redis'] as const;
export type DependencyCheck = (typeof DEPENDENCY_CHECKS)[number];

export interface ReadinessResult {
  ready: CheckState;
  checks: Record<DependencyCheck, CheckState>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function getJson(path: string, signal: AbortSignal): Promise<{ status: number; body: unknown } | null> {
  try {
    const response = await fetch(path, {
      signal,
      cache: 'no-store',
      headers: { Accept: 'application/json' },
    });
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      body = null; // not JSON (e.g. a proxy error page)
    }
    return { status: response.status, body };
  } catch {
    return null; // network error, timeout or abort
  }
}

function checkValueToState(value: unknown): CheckState {
  if (value === 'up') return 'up';
  if (value === 'down') return 'down';
  return 'error';
}

export interface HealthResult {
  state: CheckState;
  /** What is running, e.g. "0.1.0 (abc1234)"; null when the api did not say. */
  version: string | null;
}

/** "0.1.0", or "0.1.0 (abc1234)" with the commit the build recorded. */
export function versionLabel(body: unknown): string | null {
  if (!isRecord(body) || typeof body['version'] !== 'string') return null;
  const commit = typeof body['commit'] === 'string' ? ` (${body['commit'].slice(0, 12)})` : '';
  return `${body['version']}${commit}`;
}

export async function fetchHealth(signal: AbortSignal): Promise<HealthResult> {
  const result = await getJson('/health', signal);
  if (!result || !isRecord(result.body) || typeof result.body['status'] !== 'string')
    return { state: 'error', version: null };
  return {
    state: result.status === 200 && result.body['status'] === 'ok' ? 'up' : 'down',
    version: versionLabel(result.body),
  };
}

export async function fetchReadiness(signal: AbortSignal): Promise<ReadinessResult> {
  const failed: ReadinessResult = { ready: 'error', checks: { postgres: 'error', redis: 'error' } };
  const result = await getJson('/ready', signal);
  if (!result || (result.status !== 200 && result.status !== 503)) return failed;
  const { body } = result;
  if (!isRecord(body) || !isRecord(body['checks'])) return failed;
  const checks = body['checks'];
  return {
    ready: result.status === 200 && body['status'] === 'ok' ? 'up' : 'down',
    checks: {
      postgres: checkValueToState(checks['postgres']),
      redis: checkValueToState(checks['redis']),
    },
  };
}

/** The running version for the console's footer: asked once per page load (it changes only on a restart). */
export function useGatewayVersion(): string | null {
  const { data } = useQuery({
    queryKey: queryKeys.version,
    queryFn: ({ signal }) => fetchHealth(signal).then((health) => health.version),
    staleTime: Infinity,
    retry: false,
  });
  return data ?? null;
}

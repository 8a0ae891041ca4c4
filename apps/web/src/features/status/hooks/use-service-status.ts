import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchHealth, fetchReadiness, type CheckState, type DependencyCheck } from '../api/service-status';

export interface ServiceStatus {
  api: CheckState;
  ready: CheckState;
  checks: Record<DependencyCheck, CheckState>;
  checkedAt: Date | null;
  /** The running version as /health states it. */
  version: string | null;
}

const INITIAL_STATUS: ServiceStatus = {
  api: 'loading',
  ready: 'loading',
  checks: { postgres: 'loading', redis: 'loading' },
  checkedAt: null,
  version: null,
};

const REQUEST_TIMEOUT_MS = 5_000;

/**
 * Polls /health and /ready. The first round shows "loading"; later rounds keep the previous result
 * on screen until the new one arrives. A request that outlives REQUEST_TIMEOUT_MS counts as "error".
 */
export function useServiceStatus(pollIntervalMs = 15_000) {
  const [status, setStatus] = useState<ServiceStatus>(INITIAL_STATUS);
  const [refreshing, setRefreshing] = useState(false);
  const current = useRef<AbortController | null>(null);

  const refresh = useCallback(async () => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    const timeout = window.setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    setRefreshing(true);
    try {
      const [health, readiness] = await Promise.all([
        fetchHealth(controller.signal),
        fetchReadiness(controller.signal),
      ]);
      if (current.current !== controller) return; // superseded by a newer round, or unmounted
      setStatus({
        api: health.state,
        ready: readiness.ready,
        checks: readiness.checks,
        checkedAt: new Date(),
        version: health.version,
      });
      setRefreshing(false);
    } finally {
      window.clearTimeout(timeout);
    }
  }, []);

  useEffect(() => {
    // First round from a timer callback rather than the effect body (no cascading render).
    const first = window.setTimeout(() => void refresh(), 0);
    const interval = window.setInterval(() => void refresh(), pollIntervalMs);
    return () => {
      window.clearTimeout(first);
      window.clearInterval(interval);
      current.current?.abort();
      current.current = null;
    };
  }, [refresh, pollIntervalMs]);

  return { status, refreshing, refresh };
}

// At most PROBE_RATE_PER_MINUTE probes per provider (the host of a channel's base URL) per minute,
// across every worker process: one Redis counter per provider and minute.
import type Redis from 'ioredis';

const MINUTE_MS = 60_000;

/** The provider a channel's probes count against: its base URL's host (`api.openai.com`). */
export function providerOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host.toLowerCase() || baseUrl;
  } catch {
    return baseUrl;
  }
}

/**
 * Takes one probe slot of `provider` in the current minute. Returns null when taken, else the time
 * (ms epoch) the next minute starts, when the probe should be tried again.
 */
export async function takeProbeSlot(
  redis: Redis,
  prefix: string,
  provider: string,
  perMinute: number,
  now: number,
): Promise<number | null> {
  const minute = Math.floor(now / MINUTE_MS);
  const key = `${prefix}:probe:rate:${provider}:${minute}`;
  const [[, count] = []] = ((await redis
    .multi()
    .incr(key)
    .pexpire(key, 2 * MINUTE_MS)
    .exec()) ?? []) as [unknown, unknown][];
  return Number(count) <= perMinute ? null : (minute + 1) * MINUTE_MS;
}

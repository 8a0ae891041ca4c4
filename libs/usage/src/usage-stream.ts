// The durable buffer between the relay and the worker: one Redis stream per deployment (under
// REDIS_PREFIX), read by one consumer group shared by every worker process.

/** Where the api appends one entry per /v1 request. */
export function usageStreamKey(prefix: string): string {
  return `${prefix}:usage:events`;
}

/** Where the worker moves entries it cannot store, with the reason, for someone to look at. */
export function usageDeadStreamKey(prefix: string): string {
  return `${prefix}:usage:dead`;
}

/** The consumer group every worker reads through, so each entry is delivered to one of them. */
export const USAGE_CONSUMER_GROUP = 'usage-ingestors';

/** The entry field holding the event's JSON. */
export const USAGE_EVENT_FIELD = 'event';

/** The dead stream keeps the most recent entries only (approximately), so it cannot grow without bound. */
export const USAGE_DEAD_MAXLEN = 100_000;

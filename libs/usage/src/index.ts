// Usage: one record per /v1 request, buffered through Redis by the relay and stored by the worker.
export type { UsageAttempt, UsageEndpoint, UsageEvent, UsageEventSource } from './usage-event';

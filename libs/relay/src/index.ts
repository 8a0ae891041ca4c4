// The relay: routing, failover and metering of /v1 requests.

// The Nest module and what other domains may use of it.
export { RelayModule } from './relay.module';
export { RelayLimiter } from './limits/relay-limiter';
export { KeyStatsTally } from './limits/key-stats-tally';
export { RelayMetrics } from './metrics/relay-metrics';
export { RelayInFlight } from './relay/relay-in-flight';
export { TenantFactsService } from './table/tenant-facts.service';
export { RelayError, RelayErrorCode } from './relay.errors';
export { KeyBeforeBody } from './relay/key-before-body';
export { RelayController } from './relay.controller';
export { answerRelayFirst, relayFastPath } from './relay-fast-path';
export { apiKeyOf, googleKeyOf } from './relay/request-api-key';

// The relay: routing, failover and metering of /v1 requests.

// Pure routing core (no Nest, no I/O).
export { IDLE_KEY_STATE } from './routing/routing-snapshot';
export type {
  ChannelCandidate,
  KeyCandidate,
  KeyState,
  KeyStateLookup,
  RoutingStatus,
} from './routing/routing-snapshot';
export {
  keyBlock,
  planAttempts,
  tieredOrder,
  upstreamModelFor,
  weightedOrder,
} from './routing/plan-attempts';
export type { Attempt, AttemptPlan, KeyBlock, PlanAttemptsInput } from './routing/plan-attempts';

// The Nest module and what other domains may use of it.
export { RelayModule } from './relay.module';
export { RelayLimiter } from './limits/relay-limiter';
export { RelayMetrics } from './metrics/relay-metrics';
export { RoutingTableService } from './table/routing-table.service';
export { TenantFactsService } from './table/tenant-facts.service';
export { RelayError, RelayErrorCode } from './relay.errors';

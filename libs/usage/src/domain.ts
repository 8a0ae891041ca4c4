// Usage without its HTTP face (`@gateway/usage/domain`): what the worker and code that runs in it
// may import. Nothing reachable from here loads a controller, a DTO or a view (docs/design.md,
// "Layers"); index.ts adds /api/usage and the relay's recorder.
export type {
  UsageAttempt,
  UsageBilledUnit,
  UsageEndpoint,
  UsageEvent,
  UsageEventSource,
} from './usage-event';
export { USAGE_ENTITIES } from './usage.entities';
export { UsageWorkerModule } from './usage-worker.module';
export { UsageRecord } from './entities/usage-record.entity';
export {
  DEFAULT_USAGE_INGESTOR_OPTIONS,
  USAGE_INGESTOR_OPTIONS,
  UsageIngestor,
} from './ingest/usage-ingestor';
export type { IngestRound, UsageIngestorOptions } from './ingest/usage-ingestor';
export { insertUsageRecords } from './ingest/insert-usage-records';
export { parseUsageEvent, USAGE_BILLED_UNITS, USAGE_ENDPOINTS, USAGE_SOURCES } from './usage-event-parser';
export type { ParsedUsageEvent } from './usage-event-parser';
export { USAGE_CONSUMER_GROUP, USAGE_EVENT_FIELD, usageDeadStreamKey, usageStreamKey } from './usage-stream';
export { USAGE_ACCESS, USAGE_ROLES, usageScope } from './usage-permissions';
export type { UsageAccess, UsageScope } from './usage-permissions';
export { UsageError, UsageErrorCode } from './usage.errors';
export { csvCell, csvLine } from './csv/csv';
export { reconcileUsage } from './reconcile/reconcile-usage';
export type { ReconciliationMismatch, ReconciliationReport } from './reconcile/reconcile-usage';
export { RECONCILE_USAGE_JOB, ReconcileUsageJob } from './reconcile/reconcile-usage.job';
export { RECONCILE_MIRROR_JOB, SWEEP_TOKEN_MIRRORS_JOB } from './reconcile/usage.processor';
export { usageByModel } from './query/usage-by-model';
export type { ModelUsage } from './query/usage-by-model';
export {
  PRUNE_USAGE_RECORDS_JOB,
  PruneUsageRecordsJob,
  ROLLUP_USAGE_JOB,
  RollupUsageJob,
} from './rollup/usage-rollup.jobs';
export { rollUpUsage, rollUpAllUsage } from './rollup/roll-up-usage';
export type { RollupOptions, RollupReport } from './rollup/roll-up-usage';
export { MIN_USAGE_RETENTION_DAYS, pruneUsageRecords } from './rollup/prune-usage-records';
export type { PruneReport } from './rollup/prune-usage-records';
export { UsageDailyRollup } from './rollup/entities/usage-daily-rollup.entity';
export { UsageHourlyRollup } from './rollup/entities/usage-hourly-rollup.entity';

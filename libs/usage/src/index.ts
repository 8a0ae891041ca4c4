// Usage: one record per /v1 request, buffered through Redis by the relay and stored by the worker.
export * from './domain';
export { UsageModule } from './usage.module';
export {
  DEFAULT_USAGE_RECORDER_OPTIONS,
  USAGE_RECORDER_OPTIONS,
  UsageRecorder,
} from './recorder/usage-recorder';
export type { UsageRecorderOptions } from './recorder/usage-recorder';
export { StoredUsageLookup } from './recorder/stored-usage-lookup';
export type { StoredUsage } from './recorder/stored-usage-lookup';
export { UsageDirectStore } from './recorder/usage-direct-store';
export type { DirectlyStored, DirectUsageStore } from './recorder/usage-direct-store';
export { UsageQueryService, USAGE_CSV_COLUMNS } from './query/usage-query.service';
export { UsageLogPage, UsageLogView } from './views/usage-log.view';
export { UsageSummaryView, UsageTotalsView } from './views/usage-summary.view';

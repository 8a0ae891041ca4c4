// The worker's rollup and retention jobs (queue `usage`, scheduled by UsageSchedules).
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { DataSource } from 'typeorm';
import { PruneReport, pruneUsageRecords, retentionCutoff } from './prune-usage-records';
import { rollUpUsage, RollupReport } from './roll-up-usage';

// The jobs' names on the usage queue: their old class names, which stored schedulers still carry.
export const ROLLUP_USAGE_JOB = 'RollupUsageJob';
export const PRUNE_USAGE_RECORDS_JOB = 'PruneUsageRecordsJob';

/** A day before the retention cutoff, marked hours are left alone (see RollupOptions.frozenBefore). */
const FROZEN_MARGIN_MS = 86_400_000;

@Injectable()
export class RollupUsageJob {
  private readonly logger = new Logger('UsageRollup');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<RollupReport> {
    const cutoff = retentionCutoff(this.config.USAGE_RETENTION_DAYS);
    const report = await rollUpUsage(this.dataSource, {
      frozenBefore: cutoff === null ? undefined : new Date(cutoff.getTime() + FROZEN_MARGIN_MS),
    });
    if (report.frozen.length > 0) {
      this.logger.error(
        `records arrived for ${report.frozen.length} hours older than the retention period ` +
          `(first ${report.frozen[0]}); they are kept raw and not rolled up`,
      );
    }
    if (report.hours.length > 0) {
      this.logger.log(`rolled up ${report.hours.length} hours and ${report.days.length} days`);
    }
    return report;
  }
}

@Injectable()
export class PruneUsageRecordsJob {
  private readonly logger = new Logger('UsageRetention');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<PruneReport> {
    const report = await pruneUsageRecords(this.dataSource, {
      retentionDays: this.config.USAGE_RETENTION_DAYS,
    });
    if (report.deleted > 0)
      this.logger.log(`deleted ${report.deleted} usage records before ${report.cutoff}`);
    return report;
  }
}

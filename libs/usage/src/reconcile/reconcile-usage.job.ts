// Hourly in the worker: checks that the books agree and says so loudly when they do not.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { reconcileUsage, ReconciliationReport } from './reconcile-usage';

/** The job's name on the usage queue: its old class name, which stored schedulers still carry. */
export const RECONCILE_USAGE_JOB = 'ReconcileUsageJob';

@Injectable()
export class ReconcileUsageJob {
  private readonly logger = new Logger('Reconciliation');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async run(): Promise<ReconciliationReport> {
    const report = await reconcileUsage(this.dataSource.manager);
    if (report.mismatches.length > 0) {
      this.logger.error(
        { mismatches: report.mismatches.slice(0, 50) },
        `${report.mismatches.length} books disagree`,
      );
    } else {
      this.logger.log(`books agree for ${report.tenants} tenants and ${report.tokens} tokens`);
    }
    return report;
  }
}

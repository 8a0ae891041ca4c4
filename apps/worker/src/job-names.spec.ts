// Jobs and job schedulers already in Redis carry these names (the jobs' class names when they were
// first released). Renaming one would leave its stored jobs failing as unknown and its schedules
// firing under a name no processor handles, so a change here needs a migration of the queue, not an edit.
import { PROBE_JOB, PRUNE_JOB, SWEEP_JOB, SYNC_JOB } from '@gateway/channels';
import { PRUNE_EXPIRED_SESSIONS_JOB } from '@gateway/identity';
import {
  CLOSE_INVOICE_PERIODS_JOB,
  GENERATE_INVOICE_JOB,
  ISSUE_CREDIT_NOTE_JOB,
  RENDER_INVOICE_PDF_JOB,
} from '@gateway/invoices';
import { QueueName } from '@gateway/redis';
import {
  PRUNE_USAGE_RECORDS_JOB,
  RECONCILE_MIRROR_JOB,
  RECONCILE_USAGE_JOB,
  ROLLUP_USAGE_JOB,
  SWEEP_TOKEN_MIRRORS_JOB,
} from '@gateway/usage';

describe('BullMQ queue and job names', () => {
  it('stay the names that earlier releases stored in Redis', () => {
    expect({
      [QueueName.Identity]: [PRUNE_EXPIRED_SESSIONS_JOB],
      [QueueName.Usage]: [
        RECONCILE_USAGE_JOB,
        ROLLUP_USAGE_JOB,
        PRUNE_USAGE_RECORDS_JOB,
        RECONCILE_MIRROR_JOB,
        SWEEP_TOKEN_MIRRORS_JOB,
      ],
      [QueueName.Channels]: [PROBE_JOB, SWEEP_JOB, PRUNE_JOB, SYNC_JOB],
      [QueueName.Invoices]: [
        GENERATE_INVOICE_JOB,
        RENDER_INVOICE_PDF_JOB,
        ISSUE_CREDIT_NOTE_JOB,
        CLOSE_INVOICE_PERIODS_JOB,
      ],
    }).toEqual({
      identity: ['PruneExpiredSessionsJob'],
      usage: [
        'ReconcileUsageJob',
        'RollupUsageJob',
        'PruneUsageRecordsJob',
        'ReconcileBalanceMirrorJob',
        'SweepTokenMirrorsJob',
      ],
      channels: ['ProbeKeyJob', 'SweepCoolingKeysJob', 'PruneProbeHistoryJob', 'SyncProbeSchedulesJob'],
      invoices: ['GenerateInvoiceJob', 'RenderInvoicePdfJob', 'IssueCreditNoteJob', 'CloseInvoicePeriodsJob'],
    });
  });
});

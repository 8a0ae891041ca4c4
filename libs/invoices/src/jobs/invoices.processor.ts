import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { QueueName, unknownJob } from '@gateway/redis';
import { Job, Queue, UnrecoverableError } from 'bullmq';
import { InvoiceError } from '../invoices.errors';
import { CloseInvoicePeriodsJob } from './close-invoice-periods.job';
import { GenerateInvoiceJob } from './generate-invoice.job';
import {
  CLOSE_INVOICE_PERIODS_JOB,
  GENERATE_INVOICE_JOB,
  GenerateInvoiceData,
  ISSUE_CREDIT_NOTE_JOB,
  IssueCreditNoteData,
  RENDER_INVOICE_PDF_JOB,
  RenderInvoicePdfData,
} from './invoice-queue';
import { IssueCreditNoteJob } from './issue-credit-note.job';
import { DeliverInvoiceData, DeliverInvoiceJob } from '../delivery/invoice-delivery.job';
import { DELIVER_INVOICE_JOB } from './invoice-queue';
import { RenderInvoicePdfJob } from './render-invoice-pdf.job';

/** Runs the invoices domain's jobs in the worker. */
@Processor(QueueName.Invoices)
export class InvoicesProcessor extends WorkerHost {
  constructor(
    private readonly generate: GenerateInvoiceJob,
    private readonly render: RenderInvoicePdfJob,
    private readonly close: CloseInvoicePeriodsJob,
    private readonly creditNote: IssueCreditNoteJob,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    try {
      switch (job.name) {
        case GENERATE_INVOICE_JOB:
          return await this.generate.run(job.data as GenerateInvoiceData);
        case RENDER_INVOICE_PDF_JOB:
          return await this.render.run(job.data as RenderInvoicePdfData);
        case ISSUE_CREDIT_NOTE_JOB:
          return await this.creditNote.run(job.data as IssueCreditNoteData);
        case CLOSE_INVOICE_PERIODS_JOB:
          return await this.close.run();
        default:
          throw unknownJob(QueueName.Invoices, job.name);
      }
    } catch (error) {
      // A domain refusal (no such tenant, period still open) will not change by retrying.
      if (error instanceof InvoiceError) throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
  }
}

/** Registers the hourly period close; upserting makes this safe from every worker. */
@Injectable()
export class InvoicesSchedules implements OnApplicationBootstrap {
  constructor(@InjectQueue(QueueName.Invoices) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      CLOSE_INVOICE_PERIODS_JOB,
      { every: 60 * 60 * 1000 },
      { name: CLOSE_INVOICE_PERIODS_JOB, opts: { removeOnComplete: 48, removeOnFail: 200 } },
    );
  }
}

/** Mails issued invoices, on a queue of its own. */
@Processor(QueueName.InvoiceDelivery)
export class InvoiceDeliveryProcessor extends WorkerHost {
  constructor(private readonly deliver: DeliverInvoiceJob) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    try {
      switch (job.name) {
        case DELIVER_INVOICE_JOB: {
          const number = job.attemptsMade + 1;
          return await this.deliver.run(job.data as DeliverInvoiceData, {
            number,
            last: number >= (job.opts.attempts ?? 1),
          });
        }
        default:
          throw unknownJob(QueueName.InvoiceDelivery, job.name);
      }
    } catch (error) {
      if (error instanceof InvoiceError) throw new UnrecoverableError(`${error.code}: ${error.message}`);
      throw error;
    }
  }
}

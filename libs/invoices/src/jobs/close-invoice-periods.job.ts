// Hourly in the worker: for every tenant whose last month has closed (in its time zone, plus the
// grace), enqueue that month's invoice; and re-enqueue PDFs whose render was interrupted. Both
// jobs are idempotent, so running this often is harmless.
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { tenantsForBilling } from '@gateway/identity/domain';
import { QueueName } from '@gateway/redis';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { Invoice } from '../entities/invoice.entity';
import { CLOSE_GRACE_MS } from '../generation/close-grace';
import { invoiceIdFor } from '../generation/invoice-id';
import { invoiceWindow, periodOf, previousPeriod } from '../generation/invoice-period';
import { tenantHadPeriod } from '../generation/issuable-period';
import { InvoicePdfs } from '../pdf/invoice-pdfs';
import { enqueueGenerateInvoice, enqueueRenderInvoicePdf } from './invoice-queue';

@Injectable()
export class CloseInvoicePeriodsJob {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Invoices) private readonly queue: Queue,
    private readonly pdfs: InvoicePdfs,
  ) {}

  async run(now = new Date()): Promise<{ generate: number; render: number }> {
    let generate = 0;
    for (const tenant of await tenantsForBilling(this.dataSource.manager)) {
      const period = previousPeriod(periodOf(new Date(now.getTime() - CLOSE_GRACE_MS), tenant.timezone));
      const window = invoiceWindow(period, tenant.timezone);
      if (!tenantHadPeriod(tenant, window)) continue;
      const id = invoiceIdFor(tenant.id, period);
      if (await this.dataSource.getRepository(Invoice).exists({ where: { id } })) continue;
      await enqueueGenerateInvoice(this.queue, { tenantId: tenant.id, period });
      generate++;
    }
    const missing = await this.pdfs.missing();
    for (const invoiceId of missing) await enqueueRenderInvoicePdf(this.queue, { invoiceId });
    return { generate, render: missing.length };
  }
}

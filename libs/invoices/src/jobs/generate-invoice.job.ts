import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { QueueName } from '@gateway/redis';
import { Queue } from 'bullmq';
import { InvoiceGenerator } from '../generation/invoice-generator';
import { InvoicePdfs } from '../pdf/invoice-pdfs';
import { enqueueDeliverInvoice, type GenerateInvoiceData } from './invoice-queue';

/** Issues a tenant's invoice for a closed period (or finds it issued) and stores its PDF. Idempotent. */
@Injectable()
export class GenerateInvoiceJob {
  constructor(
    private readonly generator: InvoiceGenerator,
    private readonly pdfs: InvoicePdfs,
    @InjectQueue(QueueName.InvoiceDelivery) private readonly deliveries: Queue,
  ) {}

  async run(data: GenerateInvoiceData): Promise<{ invoiceId: string; number: string; created: boolean }> {
    const { invoice, created } = await this.generator.issue(data.tenantId, data.period);
    // Also when it existed: a worker killed between the two steps left it without a PDF.
    await this.pdfs.ensure(invoice.id);
    // Mailed once it has its PDF (the delivery job skips an invoice already sent).
    await enqueueDeliverInvoice(this.deliveries, { invoiceId: invoice.id });
    return { invoiceId: invoice.id, number: invoice.number, created };
  }
}

import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { QueueName } from '@gateway/redis';
import { Queue } from 'bullmq';
import { InvoicePdfs } from '../pdf/invoice-pdfs';
import { enqueueDeliverInvoice, type RenderInvoicePdfData } from './invoice-queue';

/**
 * Renders and stores an issued invoice's PDF if it is not stored yet, then has it mailed (an invoice
 * whose worker died before rendering is delivered too; the delivery skips one already sent).
 * Idempotent.
 */
@Injectable()
export class RenderInvoicePdfJob {
  constructor(
    private readonly pdfs: InvoicePdfs,
    @InjectQueue(QueueName.InvoiceDelivery) private readonly deliveries: Queue,
  ) {}

  async run(data: RenderInvoicePdfData): Promise<{ rendered: boolean }> {
    const rendered = await this.pdfs.ensure(data.invoiceId);
    await enqueueDeliverInvoice(this.deliveries, { invoiceId: data.invoiceId });
    return { rendered };
  }
}

import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { QueueName } from '@gateway/redis';
import { Queue } from 'bullmq';
import { CreditNoteIssuer } from '../generation/credit-note-issuer';
import { InvoicePdfs } from '../pdf/invoice-pdfs';
import { enqueueDeliverInvoice, type IssueCreditNoteData } from './invoice-queue';

/** Issues a requested credit note (or finds it issued) and stores its PDF. Idempotent. */
@Injectable()
export class IssueCreditNoteJob {
  constructor(
    private readonly issuer: CreditNoteIssuer,
    private readonly pdfs: InvoicePdfs,
    @InjectQueue(QueueName.InvoiceDelivery) private readonly deliveries: Queue,
  ) {}

  async run(data: IssueCreditNoteData): Promise<{ invoiceId: string; number: string }> {
    const note = await this.issuer.issue(data);
    await this.pdfs.ensure(note.id);
    await enqueueDeliverInvoice(this.deliveries, { invoiceId: note.id });
    return { invoiceId: note.id, number: note.number };
  }
}

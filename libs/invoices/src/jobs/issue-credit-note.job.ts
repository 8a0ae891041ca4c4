import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { QueueName } from '@gateway/redis';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { CreditNoteRefusal } from '../entities/credit-note-refusal.entity';
import { Invoice } from '../entities/invoice.entity';
import { CreditNoteIssuer } from '../generation/credit-note-issuer';
import { InvoiceError } from '../invoices.errors';
import { InvoicePdfs } from '../pdf/invoice-pdfs';
import { enqueueDeliverInvoice, type IssueCreditNoteData } from './invoice-queue';

/** Issues a requested credit note (or finds it issued) and stores its PDF. Idempotent. */
@Injectable()
export class IssueCreditNoteJob {
  private readonly logger = new Logger(IssueCreditNoteJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly issuer: CreditNoteIssuer,
    private readonly pdfs: InvoicePdfs,
    @InjectQueue(QueueName.InvoiceDelivery) private readonly deliveries: Queue,
  ) {}

  async run(data: IssueCreditNoteData): Promise<{ invoiceId: string; number: string }> {
    const note = await this.issue(data);
    await this.pdfs.ensure(note.id);
    await enqueueDeliverInvoice(this.deliveries, { invoiceId: note.id });
    return { invoiceId: note.id, number: note.number };
  }

  /**
   * The api answered the request 202 with the note's id; a refusal here (a racing credit note or a
   * payment took what it would have credited) is kept under that id, so reading it says why.
   */
  private async issue(data: IssueCreditNoteData): Promise<Invoice> {
    try {
      return await this.issuer.issue(data);
    } catch (error) {
      if (!(error instanceof InvoiceError)) throw error;
      const invoice = await this.dataSource.getRepository(Invoice).findOneBy({ id: data.invoiceId });
      if (invoice) {
        await this.dataSource
          .createQueryBuilder()
          .insert()
          .into(CreditNoteRefusal)
          .values({
            id: data.id,
            invoiceId: invoice.id,
            tenantId: invoice.tenantId,
            code: error.code,
            message: error.message,
          })
          .orIgnore()
          .execute();
      }
      this.logger.warn(
        { creditNoteId: data.id, invoiceId: data.invoiceId, code: error.code, reason: error.message },
        'a queued credit note was refused',
      );
      throw error;
    }
  }
}

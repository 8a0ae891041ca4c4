import { Injectable } from '@nestjs/common';
import { InvoicePdfs } from '../pdf/invoice-pdfs';
import type { RenderInvoicePdfData } from './invoice-queue';

/** Renders and stores an issued invoice's PDF if it is not stored yet. Idempotent. */
@Injectable()
export class RenderInvoicePdfJob {
  constructor(private readonly pdfs: InvoicePdfs) {}

  async run(data: RenderInvoicePdfData): Promise<{ rendered: boolean }> {
    return { rendered: await this.pdfs.ensure(data.invoiceId) };
  }
}

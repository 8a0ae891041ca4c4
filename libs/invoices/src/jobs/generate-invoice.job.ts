import { Injectable } from '@nestjs/common';
import { InvoiceGenerator } from '../generation/invoice-generator';
import { InvoicePdfs } from '../pdf/invoice-pdfs';
import type { GenerateInvoiceData } from './invoice-queue';

/** Issues a tenant's invoice for a closed period (or finds it issued) and stores its PDF. Idempotent. */
@Injectable()
export class GenerateInvoiceJob {
  constructor(
    private readonly generator: InvoiceGenerator,
    private readonly pdfs: InvoicePdfs,
  ) {}

  async run(data: GenerateInvoiceData): Promise<{ invoiceId: string; number: string; created: boolean }> {
    const { invoice, created } = await this.generator.issue(data.tenantId, data.period);
    // Also when it existed: a worker killed between the two steps left it without a PDF.
    await this.pdfs.ensure(invoice.id);
    return { invoiceId: invoice.id, number: invoice.number, created };
  }
}

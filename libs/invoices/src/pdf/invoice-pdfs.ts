// Renders an invoice's PDF once and stores it; running it again (a retry, a racing worker) finds
// it there, or loses the insert race harmlessly.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvoicePdf } from '../entities/invoice-pdf.entity';
import { Invoice } from '../entities/invoice.entity';
import { InvoiceError, InvoiceErrorCode } from '../invoices.errors';
import { invoiceStandings } from '../settlement/invoice-standing';
import { invoiceFilename, InvoicePdfRenderer } from './invoice-pdf-renderer';

@Injectable()
export class InvoicePdfs {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly renderer: InvoicePdfRenderer,
  ) {}

  /** Makes sure the invoice's PDF is stored; true when this call rendered it. */
  async ensure(invoiceId: string): Promise<boolean> {
    const pdfs = this.dataSource.getRepository(InvoicePdf);
    if (await pdfs.exists({ where: { invoiceId } })) return false;
    const invoice = await this.dataSource.getRepository(Invoice).findOneBy({ id: invoiceId });
    if (!invoice) throw new InvoiceError(InvoiceErrorCode.NotFound, 'no such invoice');
    const standing = (await invoiceStandings(this.dataSource.manager, [invoice])).get(invoice.id);
    const original = invoice.creditNoteOf
      ? await this.dataSource
          .getRepository(Invoice)
          .findOne({ where: { id: invoice.creditNoteOf }, select: { id: true, number: true } })
      : null;
    const content = await this.renderer.render(invoice, {
      correctsNumber: original?.number ?? null,
      prepaidNano: standing?.prepaidNano ?? 0n,
    });
    const result = await pdfs
      .createQueryBuilder()
      .insert()
      .values({ invoiceId, filename: invoiceFilename(invoice), content })
      .orIgnore()
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  /** Invoices issued without a stored PDF (their render was interrupted), oldest first. */
  async missing(limit = 500): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT i.id FROM invoices i LEFT JOIN invoice_pdfs p ON p.invoice_id = i.id
       WHERE p.invoice_id IS NULL ORDER BY i.issued_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.id);
  }
}

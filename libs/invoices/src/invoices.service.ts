// The api side of invoices: reads, the PDF download, and on-demand issuing, which only enqueues
// (the worker issues and renders; docs/design.md "Processes").
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { pageWindow } from '@gateway/common';
import { nanoToUsd, usdToNano } from '@gateway/db';
import { Actor, canSeeTenant, readScope, tenantBillingDetails, writeTenant } from '@gateway/identity';
import { QueueName } from '@gateway/redis';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { CreateCreditNoteDto } from './dto/create-credit-note.dto';
import { GenerateInvoiceDto } from './dto/generate-invoice.dto';
import { ListInvoicesQuery } from './dto/list-invoices.query';
import { InvoicePdf } from './entities/invoice-pdf.entity';
import { Invoice } from './entities/invoice.entity';
import { CreditNoteIssuer } from './generation/credit-note-issuer';
import { invoiceIdFor } from './generation/invoice-id';
import { issuableWindow } from './generation/issuable-period';
import { InvoiceError, InvoiceErrorCode } from './invoices.errors';
import { enqueueGenerateInvoice, enqueueIssueCreditNote } from './jobs/invoice-queue';
import { INVOICE_AUDIT_TYPE, InvoicePageView, InvoiceRequestView, InvoiceView } from './views/invoice.view';

@Injectable()
export class InvoicesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Invoices) private readonly queue: Queue,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, query: ListInvoicesQuery): Promise<InvoicePageView> {
    const scope = readScope(actor, query.tenantId);
    const [rows, total] = await this.dataSource.getRepository(Invoice).findAndCount({
      where: {
        ...(scope.tenantId ? { tenantId: scope.tenantId } : {}),
        ...(query.period ? { period: query.period } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
      },
      order: { issuedAt: 'DESC', number: 'DESC' },
      ...pageWindow(query),
    });
    const ready = await this.pdfReady(rows.map((row) => row.id));
    return { items: rows.map((row) => InvoiceView.of(row, ready.has(row.id))), total };
  }

  async get(actor: Actor, id: string): Promise<InvoiceView> {
    const invoice = await this.visible(actor, id);
    return InvoiceView.of(invoice, (await this.pdfReady([id])).has(id));
  }

  async pdf(actor: Actor, id: string): Promise<{ filename: string; content: Buffer }> {
    await this.visible(actor, id);
    const pdf = await this.dataSource.getRepository(InvoicePdf).findOneBy({ invoiceId: id });
    if (!pdf) throw new InvoiceError(InvoiceErrorCode.PdfPending);
    return { filename: pdf.filename, content: pdf.content };
  }

  /** Returns the issued invoice, or enqueues its issue and answers with the id it will have. */
  async generate(actor: Actor, dto: GenerateInvoiceDto, now = new Date()): Promise<InvoiceRequestView> {
    const tenantId = writeTenant(actor, dto.tenantId);
    const tenant = await tenantBillingDetails(this.dataSource.manager, tenantId);
    if (!tenant) throw new InvoiceError(InvoiceErrorCode.NotFound, 'no such tenant');
    issuableWindow(dto.period, tenant, now);
    const id = invoiceIdFor(tenantId, dto.period);
    const existing = await this.dataSource.getRepository(Invoice).findOneBy({ id });
    if (existing) {
      const ready = (await this.pdfReady([id])).has(id);
      return { id, tenantId, period: dto.period, status: 'issued', invoice: InvoiceView.of(existing, ready) };
    }
    await enqueueGenerateInvoice(this.queue, { tenantId, period: dto.period });
    await this.audit.record({
      actor,
      tenantId,
      action: 'create',
      entityType: INVOICE_AUDIT_TYPE,
      entityId: id,
      after: { tenantId, period: dto.period, status: 'queued' },
    });
    return { id, tenantId, period: dto.period, status: 'queued', invoice: null };
  }

  /**
   * Requests a credit note on an issued invoice; the worker issues it (number, PDF). The checks here
   * give a clear answer at once; the worker checks again under the invoice's lock.
   */
  async creditNote(actor: Actor, invoiceId: string, dto: CreateCreditNoteDto): Promise<InvoiceRequestView> {
    const invoice = await this.visible(actor, invoiceId);
    if (invoice.kind !== 'invoice') throw new InvoiceError(InvoiceErrorCode.NotAnInvoice);
    const left = await CreditNoteIssuer.creditable(this.dataSource.manager, invoice);
    const amountNano = dto.amountUsd === undefined ? left : usdToNano(dto.amountUsd);
    if (amountNano <= 0n || amountNano > left) {
      throw new InvoiceError(
        InvoiceErrorCode.CreditExceedsInvoice,
        `amountUsd must be greater than 0 and at most ${nanoToUsd(left)}, what is left of ${invoice.number}`,
        { field: 'amountUsd' },
      );
    }
    const id = randomUUID();
    const reason = dto.reason.trim();
    await enqueueIssueCreditNote(this.queue, {
      id,
      invoiceId,
      reason,
      amountNano: dto.amountUsd === undefined ? null : amountNano.toString(),
    });
    await this.audit.record({
      actor,
      tenantId: invoice.tenantId,
      action: 'create',
      entityType: INVOICE_AUDIT_TYPE,
      entityId: id,
      after: {
        kind: 'credit_note',
        creditNoteOf: invoiceId,
        reason,
        amountUsd: nanoToUsd(amountNano),
        status: 'queued',
      },
    });
    return { id, tenantId: invoice.tenantId, period: invoice.period, status: 'queued', invoice: null };
  }

  /** Another tenant's invoice, or one that does not exist, is simply not found (404). */
  private async visible(actor: Actor, id: string): Promise<Invoice> {
    const invoice = await this.dataSource.getRepository(Invoice).findOneBy({ id });
    if (!invoice || !canSeeTenant(actor, invoice.tenantId)) throw new InvoiceError(InvoiceErrorCode.NotFound);
    return invoice;
  }

  private async pdfReady(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.dataSource
      .getRepository(InvoicePdf)
      .find({ where: { invoiceId: In(ids) }, select: { invoiceId: true } });
    return new Set(rows.map((row) => row.invoiceId));
  }
}

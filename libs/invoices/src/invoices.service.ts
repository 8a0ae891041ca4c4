// The api side of invoices: reads, the PDF download, and on-demand issuing, which only enqueues
// (the worker issues and renders; docs/design.md "Processes").
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { pageWindow } from '@gateway/common/http';
import { nanoToUsd, usdToNano } from '@gateway/db';
import { Actor, canSeeTenant, readScope, tenantBillingDetails, writeTenant } from '@gateway/identity';
import { QueueName } from '@gateway/redis';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { CreateCreditNoteDto } from './dto/create-credit-note.dto';
import { GenerateInvoiceDto } from './dto/generate-invoice.dto';
import { ListInvoicesQuery } from './dto/list-invoices.query';
import { CreditNoteRefusal } from './entities/credit-note-refusal.entity';
import { InvoicePdf } from './entities/invoice-pdf.entity';
import { Invoice } from './entities/invoice.entity';
import { CreditNoteIssuer } from './generation/credit-note-issuer';
import { invoiceIdFor } from './generation/invoice-id';
import { issuableWindow } from './generation/issuable-period';
import { InvoiceError, InvoiceErrorCode } from './invoices.errors';
import { billingSettings } from '@gateway/settings';
import { ExportInvoicesQuery } from './dto/export-invoices.query';
import { RecordPaymentDto } from './dto/record-payment.dto';
import { invoiceCurrency } from './generation/invoice-generator';
import { invoicesCsv } from './export/invoices-csv';
import { InvoiceSettlements } from './settlement/invoice-settlements';
import { invoiceStandings, InvoiceStanding } from './settlement/invoice-standing';
import { enqueueDeliverInvoice, enqueueGenerateInvoice, enqueueIssueCreditNote } from './jobs/invoice-queue';
import { InvoiceDelivery } from './entities/invoice-delivery.entity';
import {
  INVOICE_AUDIT_TYPE,
  INVOICE_DELIVERY_AUDIT_TYPE,
  INVOICE_PAYMENT_AUDIT_TYPE,
  InvoicePageView,
  InvoiceRequestView,
  InvoiceView,
} from './views/invoice.view';

@Injectable()
export class InvoicesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Invoices) private readonly queue: Queue,
    @InjectQueue(QueueName.InvoiceDelivery) private readonly deliveryQueue: Queue,
    private readonly audit: AuditService,
    private readonly settlements: InvoiceSettlements,
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
    return { items: await this.views(rows), total };
  }

  async get(actor: Actor, id: string): Promise<InvoiceView> {
    const invoice = await this.visible(actor, id);
    return (await this.views([invoice]))[0] as InvoiceView;
  }

  /** Records a payment received outside the gateway (super admin); audited. */
  async recordPayment(actor: Actor, id: string, dto: RecordPaymentDto): Promise<InvoiceView> {
    const invoice = await this.visible(actor, id);
    const paidAt = dto.paidAt ? new Date(dto.paidAt) : new Date();
    const reference = dto.reference.trim();
    await this.dataSource.transaction(async (manager) => {
      const { settlement } = await this.settlements.settle(
        {
          invoiceId: invoice.id,
          amountNano: usdToNano(dto.amountUsd),
          reference,
          source: 'manual',
          paidAt,
          recordedBy: actor.userId,
        },
        manager,
      );
      await this.audit.record(
        {
          actor,
          tenantId: invoice.tenantId,
          action: 'create',
          entityType: INVOICE_PAYMENT_AUDIT_TYPE,
          entityId: settlement.id,
          after: {
            invoiceId: invoice.id,
            number: invoice.number,
            amountUsd: nanoToUsd(settlement.amountNano),
            reference,
            paidAt: paidAt.toISOString(),
          },
        },
        manager,
      );
    });
    return this.get(actor, id);
  }

  /**
   * Sends an invoice's email again (super admin; audited): only after its delivery was skipped (no
   * SMTP server yet, no address) or failed. The delivery turns `pending` at once, so a second request
   * is a 409 while the worker tries; the worker's job is the same as at issue (retried with backoff).
   */
  async resend(actor: Actor, id: string): Promise<InvoiceView> {
    const invoice = await this.visible(actor, id);
    await this.dataSource.transaction(async (manager) => {
      const before = await manager.getRepository(InvoiceDelivery).findOneBy({ invoiceId: invoice.id });
      const claimed = await manager
        .createQueryBuilder()
        .update(InvoiceDelivery)
        .set({ status: 'pending' })
        .where('invoice_id = :id AND status IN (:...statuses)', {
          id: invoice.id,
          statuses: ['skipped', 'failed'],
        })
        .execute();
      if (!before || claimed.affected !== 1) {
        throw new InvoiceError(
          InvoiceErrorCode.DeliveryNotResendable,
          before
            ? `the delivery of ${invoice.number} is ${before.status}; only a skipped or failed one can be sent again`
            : `${invoice.number} has not been through its first delivery yet`,
        );
      }
      await this.audit.record(
        {
          actor,
          tenantId: invoice.tenantId,
          action: 'create',
          entityType: INVOICE_DELIVERY_AUDIT_TYPE,
          entityId: invoice.id,
          before: { status: before.status, recipient: before.recipient, lastError: before.lastError },
          after: { status: 'pending', number: invoice.number },
        },
        manager,
      );
    });
    await enqueueDeliverInvoice(this.deliveryQueue, { invoiceId: invoice.id });
    return this.get(actor, id);
  }

  /** One month's invoices and credit notes as CSV rows (header first), for the accountant. */
  async csv(actor: Actor, query: ExportInvoicesQuery): Promise<string[]> {
    const scope = readScope(actor, query.tenantId);
    const rows = await this.dataSource.getRepository(Invoice).find({
      where: { period: query.period, ...(scope.tenantId ? { tenantId: scope.tenantId } : {}) },
      order: { number: 'ASC' },
    });
    const standings = await invoiceStandings(this.dataSource.manager, rows);
    return invoicesCsv(rows, standings);
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
      const [invoice] = await this.views([existing]);
      return { id, tenantId, period: dto.period, status: 'issued', invoice: invoice as InvoiceView };
    }
    // A tenant billed in another currency needs the month's rate first; say so now, not in the worker.
    invoiceCurrency(tenant, await billingSettings(this.dataSource.manager), dto.period);
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
        `amountUsd must be greater than 0 and at most ${nanoToUsd(left)} (before tax), what can still be credited on ${invoice.number}`,
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

  /**
   * Another tenant's invoice, or one that does not exist, is simply not found (404). A credit note
   * the worker refused after the api queued it answers why (409 credit_note_refused), for good.
   */
  private async visible(actor: Actor, id: string): Promise<Invoice> {
    const invoice = await this.dataSource.getRepository(Invoice).findOneBy({ id });
    if (invoice && canSeeTenant(actor, invoice.tenantId)) return invoice;
    const refusal = invoice ? null : await this.dataSource.getRepository(CreditNoteRefusal).findOneBy({ id });
    if (refusal && canSeeTenant(actor, refusal.tenantId)) {
      throw new InvoiceError(
        InvoiceErrorCode.CreditNoteRefused,
        `this credit note was refused when the worker came to issue it: ${refusal.message}`,
      );
    }
    throw new InvoiceError(InvoiceErrorCode.NotFound);
  }

  private async views(rows: Invoice[]): Promise<InvoiceView[]> {
    const ready = await this.pdfReady(rows.map((row) => row.id));
    const standings = await invoiceStandings(this.dataSource.manager, rows);
    return rows.map((row) =>
      InvoiceView.of(row, ready.has(row.id), standings.get(row.id) as InvoiceStanding),
    );
  }

  private async pdfReady(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.dataSource
      .getRepository(InvoicePdf)
      .find({ where: { invoiceId: In(ids) }, select: { invoiceId: true } });
    return new Set(rows.map((row) => row.invoiceId));
  }
}

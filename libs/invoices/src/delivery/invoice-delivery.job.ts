// Mails an issued invoice (PDF attached) to the customer's billing address through the SMTP server
// in the settings. BullMQ retries a failed send with backoff; each attempt is written to
// invoice_deliveries, so the console shows pending, sent, failed (after the last attempt) or
// skipped (no SMTP server, or nobody to send to). A sent invoice is never sent again.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { SecretCipher } from '@gateway/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { billingSettings, openSmtpPassword, settingsCipher, SmtpSettings } from '@gateway/settings/domain';
import type * as Nodemailer from 'nodemailer';
import { DataSource } from 'typeorm';
import { DELIVERY_SKIP_REASONS, InvoiceDelivery, DeliveryStatus } from '../entities/invoice-delivery.entity';
import { InvoicePdf } from '../entities/invoice-pdf.entity';
import { Invoice } from '../entities/invoice.entity';
import { InvoiceError, InvoiceErrorCode } from '../invoices.errors';
import { invoiceStandings } from '../settlement/invoice-standing';
import { invoiceEmail } from './invoice-email';

export interface DeliverInvoiceData {
  invoiceId: string;
}

/** Where this attempt stands among the job's attempts (from BullMQ). */
export interface DeliveryAttempt {
  /** 1 for the first. */
  number: number;
  last: boolean;
}

const SMTP_TIMEOUT_MS = 30_000;

@Injectable()
export class DeliverInvoiceJob {
  private readonly cipher: SecretCipher;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cipher = settingsCipher(config);
  }

  async run(data: DeliverInvoiceData, attempt: DeliveryAttempt): Promise<{ status: DeliveryStatus }> {
    const deliveries = this.dataSource.getRepository(InvoiceDelivery);
    const done = await deliveries.findOneBy({ invoiceId: data.invoiceId });
    if (done?.status === 'sent') return { status: 'sent' };
    const invoice = await this.dataSource.getRepository(Invoice).findOneBy({ id: data.invoiceId });
    if (!invoice) throw new InvoiceError(InvoiceErrorCode.NotFound, 'no such invoice');
    const pdf = await this.dataSource.getRepository(InvoicePdf).findOneBy({ invoiceId: invoice.id });
    if (!pdf) throw new InvoiceError(InvoiceErrorCode.PdfPending);
    const recipient = invoice.customer?.email ?? invoice.billingEmail;
    const { smtp } = await billingSettings(this.dataSource.manager);
    const record = (row: Partial<InvoiceDelivery>) =>
      deliveries.upsert({ invoiceId: invoice.id, recipient, ...row }, ['invoiceId']);
    if (!smtp || !recipient) {
      const reason = DELIVERY_SKIP_REASONS[!smtp ? 'no_smtp' : 'no_recipient'];
      await record({ status: 'skipped', attempts: done?.attempts ?? 0, lastError: reason });
      return { status: 'skipped' };
    }
    const attempts = (done?.attempts ?? 0) + 1;
    await record({ status: 'pending', attempts, lastError: done?.lastError ?? null });
    try {
      const standing = (await invoiceStandings(this.dataSource.manager, [invoice])).get(invoice.id);
      const email = invoiceEmail(invoice, standing);
      const info = await transport(smtp, openSmtpPassword(this.cipher, smtp.password)).sendMail({
        from: smtp.from,
        to: recipient,
        subject: email.subject,
        text: email.text,
        attachments: [{ filename: pdf.filename, content: pdf.content, contentType: 'application/pdf' }],
      });
      await record({
        status: 'sent',
        attempts,
        lastError: null,
        messageId: String(info.messageId ?? '').slice(0, 300) || null,
        sentAt: new Date(),
      });
      return { status: 'sent' };
    } catch (error) {
      await record({
        status: attempt.last ? 'failed' : 'pending',
        attempts,
        lastError: describe(error).slice(0, 500),
      });
      throw error;
    }
  }
}

function transport(smtp: SmtpSettings, password: string | null) {
  // nodemailer (39 modules, ~2 MB per process) is required at the first mail, not by every api and
  // worker process that imports this library (issue #16); a failure to load it fails this attempt,
  // which is recorded and retried like a refused connection.
  const { createTransport } = require('nodemailer') as typeof Nodemailer;
  return createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.username ? { user: smtp.username, pass: password ?? '' } : undefined,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
}

/** The server's answer or the network error, never the credentials (nodemailer does not echo them). */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

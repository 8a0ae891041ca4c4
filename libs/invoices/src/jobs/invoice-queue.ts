// How invoice jobs are enqueued (by the api and by the period-close job alike): retried with
// backoff, and deduplicated while one for the same invoice is waiting or running.
import type { JobsOptions, Queue } from 'bullmq';

// Job names as stored in Redis by earlier releases (the jobs' class names then): never change them.
export const GENERATE_INVOICE_JOB = 'GenerateInvoiceJob';
export const RENDER_INVOICE_PDF_JOB = 'RenderInvoicePdfJob';
export const CLOSE_INVOICE_PERIODS_JOB = 'CloseInvoicePeriodsJob';

export interface GenerateInvoiceData {
  tenantId: string;
  period: string;
}

export interface RenderInvoicePdfData {
  invoiceId: string;
}

const RETRIED: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: 1_000,
  removeOnFail: 1_000,
};

export function enqueueGenerateInvoice(queue: Queue, data: GenerateInvoiceData): Promise<unknown> {
  return queue.add(GENERATE_INVOICE_JOB, data, {
    ...RETRIED,
    deduplication: { id: `generate_${data.tenantId}_${data.period}` },
  });
}

export function enqueueRenderInvoicePdf(queue: Queue, data: RenderInvoicePdfData): Promise<unknown> {
  return queue.add(RENDER_INVOICE_PDF_JOB, data, {
    ...RETRIED,
    deduplication: { id: `render_${data.invoiceId}` },
  });
}

export const ISSUE_CREDIT_NOTE_JOB = 'IssueCreditNoteJob';

export interface IssueCreditNoteData {
  id: string;
  invoiceId: string;
  reason: string;
  amountNano: string | null;
}

export function enqueueIssueCreditNote(queue: Queue, data: IssueCreditNoteData): Promise<unknown> {
  return queue.add(ISSUE_CREDIT_NOTE_JOB, data, { ...RETRIED, deduplication: { id: `credit_${data.id}` } });
}

/** On QueueName.InvoiceDelivery. */
export const DELIVER_INVOICE_JOB = 'DeliverInvoiceJob';

/** Sends are retried more patiently than issuing: a mail server may be down for a while. */
export const DELIVERY_ATTEMPTS = 6;

export function enqueueDeliverInvoice(queue: Queue, data: { invoiceId: string }): Promise<unknown> {
  return queue.add(DELIVER_INVOICE_JOB, data, {
    attempts: DELIVERY_ATTEMPTS,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: 1_000,
    removeOnFail: 1_000,
    deduplication: { id: `deliver_${data.invoiceId}` },
  });
}

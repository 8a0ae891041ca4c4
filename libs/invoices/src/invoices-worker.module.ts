import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '@gateway/redis';
import { DeliverInvoiceJob } from './delivery/invoice-delivery.job';
import { CreditNoteIssuer } from './generation/credit-note-issuer';
import { InvoiceGenerator } from './generation/invoice-generator';
import { INVOICES_ENTITIES } from './invoices.entities';
import { CloseInvoicePeriodsJob } from './jobs/close-invoice-periods.job';
import { GenerateInvoiceJob } from './jobs/generate-invoice.job';
import { InvoiceDeliveryProcessor, InvoicesProcessor, InvoicesSchedules } from './jobs/invoices.processor';
import { IssueCreditNoteJob } from './jobs/issue-credit-note.job';
import { RenderInvoicePdfJob } from './jobs/render-invoice-pdf.job';
import { InvoicePdfRenderer } from './pdf/invoice-pdf-renderer';
import { InvoicePdfs } from './pdf/invoice-pdfs';
import { InvoiceSettlements } from './settlement/invoice-settlements';

/** The worker side: issuing invoices, rendering their PDFs, and the hourly period close. */
@Module({
  imports: [
    TypeOrmModule.forFeature(INVOICES_ENTITIES),
    BullModule.registerQueue({ name: QueueName.Invoices }),
    BullModule.registerQueue({ name: QueueName.InvoiceDelivery }),
  ],
  providers: [
    InvoiceGenerator,
    CreditNoteIssuer,
    InvoicePdfRenderer,
    InvoicePdfs,
    GenerateInvoiceJob,
    RenderInvoicePdfJob,
    CloseInvoicePeriodsJob,
    IssueCreditNoteJob,
    InvoiceSettlements,
    DeliverInvoiceJob,
    InvoicesProcessor,
    InvoiceDeliveryProcessor,
    InvoicesSchedules,
  ],
  exports: [InvoiceGenerator, CreditNoteIssuer, InvoicePdfs, CloseInvoicePeriodsJob, InvoiceSettlements],
})
export class InvoicesWorkerModule {}

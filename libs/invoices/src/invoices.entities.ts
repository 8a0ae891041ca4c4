import { CreditNoteRefusal } from './entities/credit-note-refusal.entity';
import { InvoiceCounter } from './entities/invoice-counter.entity';
import { InvoiceDelivery } from './entities/invoice-delivery.entity';
import { InvoicePdf } from './entities/invoice-pdf.entity';
import { InvoiceSettlementReversal } from './entities/invoice-settlement-reversal.entity';
import { InvoiceSettlement } from './entities/invoice-settlement.entity';
import { Invoice } from './entities/invoice.entity';

export const INVOICES_ENTITIES = [
  Invoice,
  InvoicePdf,
  InvoiceCounter,
  InvoiceSettlement,
  InvoiceSettlementReversal,
  InvoiceDelivery,
  CreditNoteRefusal,
];

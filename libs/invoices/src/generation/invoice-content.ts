// What an invoice says, from the period's facts: a line per model (tokens and amount), the plan's
// fee, what the plan's allowance covered (negative), and the period's credits shown as payments.
// Pure, so the arithmetic is tested without a database.
import type { HeldPlan, LedgerPeriod } from '@gateway/billing';
import type { ModelUsage } from '@gateway/usage';
import type { StoredInvoiceLine, StoredInvoicePayment } from '../entities/invoice.entity';
import { taxOn } from './tax';

export interface InvoiceFacts {
  usage: readonly ModelUsage[];
  ledger: LedgerPeriod;
  plan: HeldPlan | null;
  taxRate: string;
}

export interface InvoiceContent {
  lines: StoredInvoiceLine[];
  payments: StoredInvoicePayment[];
  subtotalNano: bigint;
  taxNano: bigint;
  totalNano: bigint;
}

export const INCLUDED_IN_PLAN = 'Included in plan';

export function invoiceContent(facts: InvoiceFacts): InvoiceContent {
  const lines: StoredInvoiceLine[] = facts.usage.map((row) => ({
    kind: 'usage',
    description: row.model,
    model: row.model,
    requests: row.requests,
    inputTokens: row.promptTokens.toString(),
    cachedTokens: row.cachedTokens.toString(),
    cacheWriteTokens: row.cacheWriteTokens.toString(),
    outputTokens: row.completionTokens.toString(),
    amountNano: row.costNano.toString(),
  }));
  if (facts.plan) {
    lines.push(flatLine('plan_fee', `Plan: ${facts.plan.name}`, facts.plan.priceNano));
  }
  if (facts.ledger.planAllowanceNano !== 0n) {
    lines.push(flatLine('plan_allowance', INCLUDED_IN_PLAN, -facts.ledger.planAllowanceNano));
  }
  const payments: StoredInvoicePayment[] = facts.ledger.payments.map((payment) => ({
    ledgerEntryId: payment.id,
    kind: payment.kind,
    date: payment.createdAt.toISOString(),
    note: payment.note,
    amountNano: payment.amountNano.toString(),
  }));
  const subtotalNano = lines.reduce((sum, line) => sum + BigInt(line.amountNano), 0n);
  const taxNano = taxOn(subtotalNano, facts.taxRate);
  return { lines, payments, subtotalNano, taxNano, totalNano: subtotalNano + taxNano };
}

export function flatLine(
  kind: StoredInvoiceLine['kind'],
  description: string,
  amountNano: bigint,
): StoredInvoiceLine {
  return {
    kind,
    description,
    model: null,
    requests: null,
    inputTokens: null,
    cachedTokens: null,
    cacheWriteTokens: null,
    outputTokens: null,
    amountNano: amountNano.toString(),
  };
}

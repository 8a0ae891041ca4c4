// What an invoice says, from the period's facts: a line per model (tokens and amount at its prices),
// what was written off of it beyond the requests' holds (negative, right below it), the plan's fee,
// what the plan's allowance covered (negative), and the period's credits shown as payments. Pure,
// so the arithmetic is tested without a database.
import type { HeldPlan, LedgerPeriod, UnitPrices } from '@gateway/billing/domain';
import type { ModelUsage } from '@gateway/usage/domain';
import type { StoredInvoiceLine, StoredInvoicePayment } from '../entities/invoice.entity';
import { taxOn } from './tax';

export interface InvoiceFacts {
  usage: readonly ModelUsage[];
  ledger: LedgerPeriod;
  plan: HeldPlan | null;
  /** Each model's unit prices (after the group's multiplier); a model without one shows none. */
  prices?: ReadonlyMap<string, UnitPrices>;
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
/** A write-off line's description starts with this, then the model. */
export const WRITTEN_OFF = 'Written off beyond the hold';

export function invoiceContent(facts: InvoiceFacts): InvoiceContent {
  const lines: StoredInvoiceLine[] = facts.usage.flatMap((row) => {
    // The usage line is the model's usage at its prices; what settlement did not charge (the cost
    // beyond a request's hold) is its own negative line, so each line's arithmetic holds and the
    // two together are what the ledger debited (docs/design.md "Money").
    const usage: StoredInvoiceLine = {
      kind: 'usage',
      description: describeUsage(row),
      model: row.model,
      requests: row.requests,
      inputTokens: row.promptTokens.toString(),
      cachedTokens: row.cachedTokens.toString(),
      cacheWriteTokens: row.cacheWriteTokens.toString(),
      outputTokens: row.completionTokens.toString(),
      amountNano: (row.costNano + row.writtenOffNano).toString(),
      unitPrices: unitPricesOf(facts.prices?.get(row.model)),
    };
    if (row.writtenOffNano <= 0n) return [usage];
    const writeOff = flatLine('write_off', `${WRITTEN_OFF}: ${row.model}`, -row.writtenOffNano);
    return [usage, { ...writeOff, model: row.model, requests: row.writtenOffRequests }];
  });
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

const UNIT_NAMES: Readonly<Record<string, [one: string, many: string]>> = {
  images: ['image', 'images'],
  audio_seconds: ['second of audio', 'seconds of audio'],
  characters: ['character', 'characters'],
  requests: ['request', 'requests'],
};

/** The model, and what it was billed in besides tokens: `dall-e-3 (2 images)`. */
function describeUsage(row: ModelUsage): string {
  const units = (row.billed ?? []).map(({ unit, quantity }) => {
    const [one, many] = UNIT_NAMES[unit] ?? [unit, unit];
    return `${quantity} ${quantity === 1n ? one : many}`;
  });
  return units.length === 0 ? row.model : `${row.model} (${units.join(', ')})`;
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

function unitPricesOf(prices: UnitPrices | undefined): StoredInvoiceLine['unitPrices'] {
  if (!prices) return null;
  return {
    inputPer1MNano: prices.inputPer1MNano.toString(),
    cachedPer1MNano: prices.cachedPer1MNano.toString(),
    outputPer1MNano: prices.outputPer1MNano.toString(),
    perRequestNano: prices.perRequestNano.toString(),
    changedInPeriod: prices.changedInPeriod,
  };
}

// Where an invoice stands: open until paid (down to what its document can state) or credited in
// full. Invoices never change (docs/design.md "Money"), so this is read from their credit notes and
// the payments recorded against them.
import { EntityManager, In } from 'typeorm';
import { InvoiceDelivery } from '../entities/invoice-delivery.entity';
import { InvoiceSettlementReversal } from '../entities/invoice-settlement-reversal.entity';
import { InvoiceSettlement } from '../entities/invoice-settlement.entity';
import type { Invoice, StoredConversion, StoredInvoiceLine } from '../entities/invoice.entity';
import { roundedUsd } from '../generation/rounded-usd';
import { convertedBalanceMinor } from './converted-balance';

export const INVOICE_STATUSES = ['open', 'paid', 'credited'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface InvoiceStanding {
  status: InvoiceStatus;
  /** The total less its credit notes' totals, nano-USD. */
  amountDueNano: bigint;
  /**
   * What its settlements paid, less what refunds and disputes took back of them (their reversals)
   * and what its credit notes gave back to the prepaid balance.
   */
  paidNano: bigint;
  /** What the prepaid balance paid (its `balance` settlement) and its credit notes did not give back. */
  prepaidNano: bigint;
  /** What is left to pay (never below 0; 0 once its document states nothing due, nothingStatedDue). */
  balanceDueNano: bigint;
  /**
   * For an invoice in another currency: the amount due as it states it there, in minor units (its
   * converted total plus its credit notes'); null for a USD invoice.
   */
  amountDueMinor: bigint | null;
  /** The amount due in USD cents as the documents state it (rounded-usd.ts): their totals added. */
  amountDueCents: bigint;
  settlements: InvoiceSettlement[];
  /** What refunds and disputes took back of its settlements (> 0), or put back (< 0). */
  reversals: InvoiceSettlementReversal[];
  delivery: InvoiceDelivery | null;
}

export interface Credits {
  subtotalNano: bigint;
  totalNano: bigint;
}

/** The pure rule, tested without a database. */
export function standingOf(
  invoice: Pick<Invoice, 'kind' | 'subtotalNano' | 'totalNano'>,
  credits: Credits,
  paidNano: bigint,
): { status: InvoiceStatus; amountDueNano: bigint; balanceDueNano: bigint } {
  // Credit notes carry negative amounts.
  const amountDueNano = invoice.totalNano + credits.totalNano;
  const left = amountDueNano - paidNano;
  const balanceDueNano = left > 0n ? left : 0n;
  if (invoice.kind === 'credit_note') return { status: 'credited', amountDueNano, balanceDueNano: 0n };
  const fullyCredited = invoice.subtotalNano > 0n && invoice.subtotalNano + credits.subtotalNano <= 0n;
  if (fullyCredited) return { status: 'credited', amountDueNano, balanceDueNano: 0n };
  return { status: left <= 0n ? 'paid' : 'open', amountDueNano, balanceDueNano };
}

/**
 * Whether an open invoice's balance is one its document states as nothing: less than half the
 * smallest unit of the currency it is stated in (a cent, a fen), as `convertedBalanceMinor` rounds
 * it. Nothing is asked for then: an invoice whose lines all round to 0.00, or one paid by a transfer
 * of the total it states, is paid, not left open for a fraction of a cent no one can pay.
 */
export function nothingStatedDue(
  statedAmountDueMinor: bigint,
  amountDueNano: bigint,
  balanceDueNano: bigint,
): boolean {
  return (
    balanceDueNano > 0n && convertedBalanceMinor(statedAmountDueMinor, amountDueNano, balanceDueNano) === 0n
  );
}

/** Standings of many invoices in six queries. */
export async function invoiceStandings(
  manager: EntityManager,
  invoices: readonly Invoice[],
): Promise<Map<string, InvoiceStanding>> {
  const result = new Map<string, InvoiceStanding>();
  if (invoices.length === 0) return result;
  const ids = invoices.map((invoice) => invoice.id);
  const credits = (await manager.query(
    `SELECT credit_note_of AS id, sum(subtotal_nano)::text AS subtotal, sum(total_nano)::text AS total,
            coalesce(sum((converted->>'totalMinor')::bigint), 0)::text AS total_minor
     FROM invoices WHERE credit_note_of = ANY($1) GROUP BY credit_note_of`,
    [ids],
  )) as { id: string; subtotal: string; total: string; total_minor: string }[];
  const settlements = await manager
    .getRepository(InvoiceSettlement)
    .find({ where: { invoiceId: In(ids) }, order: { paidAt: 'ASC', createdAt: 'ASC' } });
  const reversals = await manager
    .getRepository(InvoiceSettlementReversal)
    .find({ where: { invoiceId: In(ids) }, order: { reversedAt: 'ASC', createdAt: 'ASC' } });
  const deliveries = await manager.getRepository(InvoiceDelivery).find({ where: { invoiceId: In(ids) } });
  const refunds = await balanceRefunds(manager, ids);
  const notes = (await manager.query(
    `SELECT credit_note_of AS id, lines, tax_rate, stated_usd FROM invoices WHERE credit_note_of = ANY($1)`,
    [ids],
  )) as { id: string; lines: StoredInvoiceLine[]; tax_rate: string; stated_usd: StoredConversion | null }[];
  for (const invoice of invoices) {
    const credit = credits.find((row) => row.id === invoice.id);
    const own = settlements.filter((row) => row.invoiceId === invoice.id);
    const refunded = refunds.get(invoice.id) ?? 0n;
    const reversed = reversals.filter((row) => row.invoiceId === invoice.id);
    const paidNano =
      own.reduce((sum, row) => sum + row.amountNano, 0n) -
      reversed.reduce((sum, row) => sum + row.amountNano, 0n) -
      refunded;
    const prepaidNano =
      own.filter((row) => row.source === 'balance').reduce((sum, row) => sum + row.amountNano, 0n) - refunded;
    const standing = standingOf(
      invoice,
      { subtotalNano: BigInt(credit?.subtotal ?? 0), totalNano: BigInt(credit?.total ?? 0) },
      paidNano,
    );
    const amountDueMinor = invoice.converted
      ? BigInt(invoice.converted.totalMinor) + BigInt(credit?.total_minor ?? 0)
      : null;
    const amountDueCents = notes
      .filter((note) => note.id === invoice.id)
      .reduce(
        (sum, note) =>
          sum +
          BigInt(
            roundedUsd({ lines: note.lines, taxRate: note.tax_rate, statedUsd: note.stated_usd }).totalMinor,
          ),
        BigInt(roundedUsd(invoice).totalMinor),
      );
    const settledAsStated =
      standing.status === 'open' &&
      nothingStatedDue(amountDueMinor ?? amountDueCents, standing.amountDueNano, standing.balanceDueNano);
    result.set(invoice.id, {
      ...standing,
      ...(settledAsStated ? { status: 'paid' as const, balanceDueNano: 0n } : {}),
      paidNano,
      prepaidNano,
      amountDueMinor,
      amountDueCents,
      settlements: own,
      reversals: reversed,
      delivery: deliveries.find((row) => row.invoiceId === invoice.id) ?? null,
    });
  }
  return result;
}

const CREDIT_NOTE_REFUND_PREFIX = 'credit-note:';

/** The ref of the ledger line that gives a credit note's share of prepaid usage back to the balance. */
export function creditNoteRefundRef(creditNoteId: string): string {
  return `${CREDIT_NOTE_REFUND_PREFIX}${creditNoteId}`;
}

/** Per invoice: what its credit notes gave back to the tenant's prepaid balance (`refund` lines). */
async function balanceRefunds(manager: EntityManager, ids: readonly string[]): Promise<Map<string, bigint>> {
  const rows = (await manager.query(
    `SELECT n.credit_note_of AS id, sum(l.amount_nano)::text AS refunded
     FROM invoices n
     JOIN ledger_entries l ON l.tenant_id = n.tenant_id AND l.kind = 'refund' AND l.ref = $2 || n.id
     WHERE n.credit_note_of = ANY($1) GROUP BY n.credit_note_of`,
    [ids, CREDIT_NOTE_REFUND_PREFIX],
  )) as { id: string; refunded: string }[];
  return new Map(rows.map((row) => [row.id, BigInt(row.refunded)]));
}

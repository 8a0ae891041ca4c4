// What a credit note states, in the minor unit of one of its invoice's columns (USD cents, or the
// currency it is converted to). Rounded on its own, each partial credit note can round up: two notes
// of 0.50 on an invoice stating 1.00 + 0.19 would each state 0.50 + 0.10 (0.095 rounded), 1.20 in
// all. So a credit note states the change in what the credits so far state together: the credited
// amount converted and rounded once, its tax on that, each never beyond what the invoice states; and
// the note that credits the rest states what the invoice states less what the earlier ones stated
// (docs/design.md "Money").
import type { Invoice, StoredConversion } from '../entities/invoice.entity';
import { convertNano } from './currency-conversion';
import type { InvoiceStanding } from '../settlement/invoice-standing';
import { convertedBalanceMinor } from '../settlement/converted-balance';
import { roundedUsd } from './rounded-usd';
import { taxOn } from './tax';

/** The rule as the API states it for a credit note (its `roundedUsd` and `converted`). */
export const CREDIT_NOTE_ROUNDING_RULE =
  'its share of the invoice: the amount credited so far rounded half away from zero, tax on that rounded the same way, each never beyond what the invoice states, less what earlier credit notes stated; the one that credits the rest states what the invoice states less the earlier ones; once something is paid, in all no more than is left unpaid plus what it gives back to the prepaid balance';

export interface CreditStatementInput {
  /** What the invoice states in this column. */
  invoice: StoredConversion;
  /** The invoice's exact subtotal, nano-USD. */
  invoiceSubtotalNano: bigint;
  /** What its earlier credit notes credited, before tax, nano-USD, as a positive amount. */
  creditedBeforeNano: bigint;
  /** What this credit note credits, before tax, nano-USD, as a positive amount. */
  amountNano: bigint;
  /** What the earlier credit notes stated in this column (negative amounts). */
  statedBefore: readonly StoredConversion[];
  /** Units of the column's currency per USD ('1' for USD) and the invoice's tax rate. */
  rate: string;
  taxRate: string;
  /**
   * Once something is paid: the most the note may state in all (positive), what its documents state
   * unpaid plus what it gives back to the prepaid balance. Rounded alone its share may state a unit
   * more, leaving the documents stating less due than stands paid.
   */
  mostTotal?: bigint | null;
}

/** The credit note's single line, subtotal, tax and total in this column (negative amounts). */
export function creditStatement(input: CreditStatementInput): StoredConversion {
  const { invoice } = input;
  const invoiceSubtotal = BigInt(invoice.subtotalMinor);
  const invoiceTax = BigInt(invoice.taxMinor);
  const creditedNano = input.creditedBeforeNano + input.amountNano;
  const final = creditedNano >= input.invoiceSubtotalNano;
  // What the credits including this one state together, as positive amounts.
  const subtotalSoFar = final
    ? invoiceSubtotal
    : within(convertNano(creditedNano, input.rate, invoice.minorDigits), invoiceSubtotal);
  const taxSoFar = final ? invoiceTax : within(taxOn(subtotalSoFar, input.taxRate), invoiceTax);
  const subtotalBefore = -sumOf(input.statedBefore, 'subtotalMinor');
  const taxBefore = -sumOf(input.statedBefore, 'taxMinor');
  // A partial note moves what the credits state towards the invoice's figures, never back: earlier
  // notes rounded on their own (issued before this rule) may state more than their share already,
  // and then it states 0 until the last note settles the difference.
  const subtotalShare = final
    ? subtotalSoFar - subtotalBefore
    : within(subtotalSoFar - subtotalBefore, invoiceSubtotal);
  const share = final ? taxSoFar - taxBefore : within(taxSoFar - taxBefore, invoiceTax);
  const { subtotal, tax } = heldTo(final ? null : (input.mostTotal ?? null), subtotalShare, share);
  return {
    minorDigits: invoice.minorDigits,
    lineMinor: [(-subtotal).toString()],
    subtotalMinor: (-subtotal).toString(),
    taxMinor: (-tax).toString(),
    totalMinor: (-(subtotal + tax)).toString(),
  };
}

/**
 * The note's subtotal and tax, their sum held to `most` when given: beyond it the tax gives way
 * first (the subtotal is the credit itself), then the subtotal, neither below 0.
 */
function heldTo(most: bigint | null, subtotal: bigint, tax: bigint): { subtotal: bigint; tax: bigint } {
  const excess = most === null ? 0n : subtotal + tax - most;
  if (excess <= 0n) return { subtotal, tax };
  const fromTax = tax <= 0n ? 0n : excess < tax ? excess : tax;
  const fromSubtotal = excess - fromTax;
  return {
    subtotal: subtotal <= 0n ? subtotal : fromSubtotal < subtotal ? subtotal - fromSubtotal : 0n,
    tax: tax - fromTax,
  };
}

function sumOf(stated: readonly StoredConversion[], column: 'subtotalMinor' | 'taxMinor'): bigint {
  return stated.reduce((sum, note) => sum + BigInt(note[column]), 0n);
}

/** `amount` held between 0 and what the invoice states (which may, oddly, be below 0). */
function within(amount: bigint, stated: bigint): bigint {
  const low = stated < 0n ? stated : 0n;
  const high = stated < 0n ? 0n : stated;
  return amount < low ? low : amount > high ? high : amount;
}

type Stated = Pick<Invoice, 'lines' | 'taxRate' | 'statedUsd' | 'converted' | 'subtotalNano'>;

/** Where a paid invoice stands before the note, and what of the note goes back to the balance. */
export interface SettledBefore {
  standing: Pick<InvoiceStanding, 'amountDueNano' | 'balanceDueNano' | 'amountDueCents' | 'amountDueMinor'>;
  /** What the note gives back to the prepaid balance (refundToBalanceNano), nano-USD. */
  refundNano: bigint;
}

/**
 * What a credit note of `amountNano` (before tax, positive) on `invoice` states, after `earlier`
 * credit notes: in USD cents, and in the invoice's currency when it has one. Once something is paid
 * (`settled`), never more than its documents state unpaid plus what the note gives back to the
 * prepaid balance, so they never state less due than stands paid.
 */
export function creditNoteStatements(
  invoice: Stated & Pick<Invoice, 'exchangeRate'>,
  earlier: readonly Stated[],
  amountNano: bigint,
  settled: SettledBefore | null = null,
): { usd: StoredConversion; converted: StoredConversion | null } {
  // What the documents state unpaid in this column, with the part of the paid amount the note gives
  // back to the balance counted as unpaid: one share of the amount due, rounded once.
  const mostOf = (amountDueMinor: bigint | null | undefined): bigint | null =>
    settled && amountDueMinor != null
      ? convertedBalanceMinor(
          amountDueMinor,
          settled.standing.amountDueNano,
          settled.standing.balanceDueNano + settled.refundNano,
        )
      : null;
  const common = {
    invoiceSubtotalNano: invoice.subtotalNano,
    creditedBeforeNano: -earlier.reduce((sum, note) => sum + note.subtotalNano, 0n),
    amountNano,
    taxRate: invoice.taxRate,
  };
  const usd = creditStatement({
    ...common,
    invoice: roundedUsd(invoice),
    statedBefore: earlier.map((note) => roundedUsd(note)),
    rate: '1',
    mostTotal: mostOf(settled?.standing.amountDueCents),
  });
  const converted =
    invoice.exchangeRate && invoice.converted
      ? creditStatement({
          ...common,
          invoice: invoice.converted,
          statedBefore: earlier.flatMap((note) => (note.converted ? [note.converted] : [])),
          rate: invoice.exchangeRate,
          mostTotal: mostOf(settled?.standing.amountDueMinor),
        })
      : null;
  return { usd, converted };
}

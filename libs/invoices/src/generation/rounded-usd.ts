// The USD amounts an invoice states, to the cent. The ledger and the *_nano columns keep every
// nano-dollar; a document a person pays states cents, rounded by one rule so that its lines add up
// to its subtotal and its total exactly (docs/design.md "Money", decision 0009). Derived from the
// stored lines and tax rate, which never change, so it is the same at every read; a credit note's
// are stored at issue, as they depend on what its invoice and the earlier credit notes state.
import type { Invoice, StoredConversion } from '../entities/invoice.entity';
import { convertInvoice, convertNano } from './currency-conversion';

/** The rule as the API and the PDF state it. */
export const USD_ROUNDING_RULE =
  'each line rounded half away from zero to the cent; subtotal = sum of the rounded lines; tax on the rounded subtotal, rounded the same way; total = subtotal + tax';

export const USD_CENT_DIGITS = 2;

/**
 * The invoice's lines, subtotal, tax and total in USD cents (a conversion at the rate 1); for a credit
 * note, the cents it was issued with (its share of its invoice's, credit-note-statement.ts).
 */
export function roundedUsd(invoice: Pick<Invoice, 'lines' | 'taxRate' | 'statedUsd'>): StoredConversion {
  if (invoice.statedUsd) return invoice.statedUsd;
  return convertInvoice(
    invoice.lines.map((line) => BigInt(line.amountNano)),
    '1',
    USD_CENT_DIGITS,
    invoice.taxRate,
  );
}

/** One amount to the cent, half away from zero. */
export function centsOf(nano: bigint): bigint {
  return convertNano(nano, '1', USD_CENT_DIGITS);
}

/** What the document states in its own currency: `converted` for another currency, else USD cents. */
export function statedAmounts(
  invoice: Pick<Invoice, 'lines' | 'taxRate' | 'converted' | 'statedUsd'>,
): StoredConversion {
  return invoice.converted ?? roundedUsd(invoice);
}

// How much a credit note may still credit. A credit note lowers what is owed; it never pays money
// back. So once something is paid it may credit only what is still unpaid, and the books stay exact
// without a refund: the invoice's amount due never drops below what was paid for it.
import { taxOn } from './tax';

export interface CreditRoom {
  /** The invoice's subtotal less its credit notes' (nano-USD, before tax). */
  subtotalLeftNano: bigint;
  /** What has been paid against it. */
  paidNano: bigint;
  /** What is left to pay (its total less credit notes' totals and payments; never below 0). */
  balanceDueNano: bigint;
  taxRate: string;
}

/**
 * The most a credit note may credit, before tax: with nothing paid, all the subtotal left; once
 * something is paid, the largest amount whose total with tax is at most the balance due, and never
 * all of the subtotal left (that would mark the invoice credited and hide what was paid).
 */
export function creditableNano(room: CreditRoom): bigint {
  if (room.subtotalLeftNano <= 0n) return 0n;
  if (room.paidNano === 0n) return room.subtotalLeftNano;
  const withTax = (amount: bigint) => amount + taxOn(amount, room.taxRate);
  // The rate in millionths, exactly (it has at most 6 places).
  const rateMicros = taxOn(1_000_000n, room.taxRate);
  // amount × (1 + rate) ≤ balance, then a nano either way for the tax's rounding.
  let amount = (room.balanceDueNano * 1_000_000n) / (1_000_000n + rateMicros);
  while (amount > 0n && withTax(amount) > room.balanceDueNano) amount--;
  while (withTax(amount + 1n) <= room.balanceDueNano) amount++;
  const belowAll = room.subtotalLeftNano - 1n;
  return amount < belowAll ? amount : belowAll;
}

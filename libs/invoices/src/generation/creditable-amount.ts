// How much a credit note may credit. A credit note lowers what is owed. Money the customer paid
// from outside (a transfer, an online payment) is never paid back by one; what the prepaid balance
// paid (the invoice's `balance` settlement) is, as a credit to that balance. So once something is
// paid it may credit what is still unpaid plus what the balance paid and has not had back, and the
// books stay exact: the invoice's amount due never drops below what stands paid for it.
import { taxOn } from './tax';

export interface CreditRoom {
  /** The invoice's subtotal less its credit notes' (nano-USD, before tax). */
  subtotalLeftNano: bigint;
  /** What stands paid against it (settlements less what credit notes gave back to the balance). */
  paidNano: bigint;
  /** What is left to pay (its total less credit notes' totals and payments; never below 0). */
  balanceDueNano: bigint;
  /** What of `paidNano` the prepaid balance paid: a credit note may give it back. */
  prepaidNano: bigint;
  taxRate: string;
}

/**
 * The most a credit note may credit, before tax: with nothing paid, all the subtotal left; once
 * something is paid, the largest amount whose total with tax is at most the balance due plus what
 * the prepaid balance paid. While money paid from outside stands, never all of the subtotal left
 * (that would mark the invoice credited and hide what was paid).
 */
export function creditableNano(room: CreditRoom): bigint {
  if (room.subtotalLeftNano <= 0n) return 0n;
  if (room.paidNano === 0n) return room.subtotalLeftNano;
  const cover = room.balanceDueNano + room.prepaidNano;
  const withTax = (amount: bigint) => amount + taxOn(amount, room.taxRate);
  // The rate in millionths, exactly (it has at most 6 places).
  const rateMicros = taxOn(1_000_000n, room.taxRate);
  // amount × (1 + rate) ≤ cover, then a nano either way for the tax's rounding.
  let amount = (cover * 1_000_000n) / (1_000_000n + rateMicros);
  while (amount > 0n && withTax(amount) > cover) amount--;
  while (withTax(amount + 1n) <= cover) amount++;
  const paidOutside = room.paidNano > room.prepaidNano;
  const most = paidOutside ? room.subtotalLeftNano - 1n : room.subtotalLeftNano;
  return amount < most ? amount : most;
}

/**
 * What of a credit note (its total with tax, as a positive amount) goes back to the prepaid balance:
 * the part beyond what was still unpaid, within what the balance paid (creditableNano keeps it so
 * but for a nano of tax rounding when nothing was paid).
 */
export function refundToBalanceNano(
  creditTotalNano: bigint,
  room: Pick<CreditRoom, 'balanceDueNano' | 'prepaidNano'>,
): bigint {
  const beyond = creditTotalNano - room.balanceDueNano;
  if (beyond <= 0n) return 0n;
  return beyond < room.prepaidNano ? beyond : room.prepaidNano;
}

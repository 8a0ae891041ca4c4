// What is left to pay on an invoice in its own currency. The invoice states its total there (the sum
// of converted lines plus tax on it), which is not the USD total × rate; paying it online in that
// currency must cost exactly what it states, however the payment is split.

/**
 * The amount due in the invoice's currency (`amountDueMinor`, its converted total plus its credit
 * notes') in the share the USD balance is of the USD amount due, rounded half up to the minor unit:
 * all of it while nothing is paid, 0 once paid.
 */
export function convertedBalanceMinor(
  amountDueMinor: bigint,
  amountDueNano: bigint,
  balanceDueNano: bigint,
): bigint {
  if (balanceDueNano <= 0n || amountDueNano <= 0n || amountDueMinor <= 0n) return 0n;
  if (balanceDueNano >= amountDueNano) return amountDueMinor;
  const numerator = 2n * balanceDueNano * amountDueMinor;
  return (numerator + amountDueNano) / (2n * amountDueNano);
}

/**
 * What paying `amountNano` of the balance costs in the invoice's currency: what is left before less
 * what is left after. Payments in sequence add up to exactly the amount due, so no fraction of a
 * minor unit is ever left over or charged twice; the last one pays exactly the rest. (Two partial
 * orders priced at the same balance, both paid, may together be a minor unit off their share.)
 */
export function convertedPaymentMinor(
  amountDueMinor: bigint,
  amountDueNano: bigint,
  balanceDueNano: bigint,
  amountNano: bigint,
): bigint {
  const before = convertedBalanceMinor(amountDueMinor, amountDueNano, balanceDueNano);
  const after = convertedBalanceMinor(amountDueMinor, amountDueNano, balanceDueNano - amountNano);
  return before - after;
}

// USD amounts as the api accepts them: decimal strings (never floats) with at most 9 decimals.

/** A price or a quota: up to 12 integer digits. */
export const USD_AMOUNT = /^(0|[1-9]\d{0,11})(\.\d{1,9})?$/;
/** Money moved by hand (a top-up, a credit note, a code, a plan's fee): 0 to 1,000,000. */
export const USD_UP_TO_1M = /^(0|[1-9]\d{0,6})(\.\d{1,9})?$/;
/** The same with a sign, for a correction that may take money away. */
export const SIGNED_USD_UP_TO_1M = /^-?(0|[1-9]\d{0,6})(\.\d{1,9})?$/;

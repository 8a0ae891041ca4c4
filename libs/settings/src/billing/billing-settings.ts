// The settings invoices need: who issues them, how they are mailed, and the month's exchange rates.
// Kept under the keys `issuer`, `smtp` and `exchangeRates`; read by the worker in its own
// transaction (an invoice copies the issuer when it is issued, so a later change alters nothing).
import type { SealedSecret } from '@gateway/common';
import type { EntityManager } from 'typeorm';
import { Setting } from '../entities/setting.entity';

/** The business that issues the invoices, printed on each one. */
export interface IssuerSettings {
  legalName: string;
  address: string;
  taxId: string | null;
  email: string | null;
  paymentInstructions: string | null;
  footer: string | null;
  /** The tax's name on invoices ("VAT", "增值税"); null: "Tax". */
  taxLabel: string | null;
  /** Days from issue to the due date. */
  paymentTermsDays: number;
  /** A PNG or JPEG as a data: URL, printed in the invoice's header; null for none. */
  logo: string | null;
}

/** Where invoice emails leave from. The password is never shown after it is set. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** true: TLS from the start (port 465); false: STARTTLS when the server offers it. */
  secure: boolean;
  username: string | null;
  /**
   * Sealed with the ENCRYPTION_KEY keyring (smtp-password.ts); a string is a plain value stored
   * before passwords were sealed, still read, and sealed on the next settings change.
   */
  password: SealedSecret | string | null;
  /** The From: address, e.g. "Acme Billing <billing@acme.example>". */
  from: string;
}

/** How many units of `currency` one USD buys, for invoices of `period` ("YYYY-MM"). */
export interface ExchangeRate {
  period: string;
  currency: string;
  /** A positive decimal with at most 6 places, e.g. "7.1234". */
  rate: string;
}

export interface BillingSettings {
  issuer: IssuerSettings | null;
  smtp: SmtpSettings | null;
  exchangeRates: ExchangeRate[];
}

export const DEFAULT_PAYMENT_TERMS_DAYS = 30;

/** The billing settings in force, read in the caller's transaction. */
export async function billingSettings(manager: EntityManager): Promise<BillingSettings> {
  const rows = await manager.getRepository(Setting).find();
  const value = (key: string): unknown => rows.find((row) => row.key === key)?.value;
  return {
    issuer: (value('issuer') as IssuerSettings | null | undefined) ?? null,
    smtp: (value('smtp') as SmtpSettings | null | undefined) ?? null,
    exchangeRates: (value('exchangeRates') as ExchangeRate[] | undefined) ?? [],
  };
}

/**
 * The rate for `currency` on an invoice of `period`: that month's, else the latest month before it
 * that has one (stated on the invoice with its month), else undefined.
 */
export function exchangeRateFor(
  rates: readonly ExchangeRate[],
  currency: string,
  period: string,
): ExchangeRate | undefined {
  return rates
    .filter((rate) => rate.currency === currency && rate.period <= period)
    .sort((a, b) => (a.period < b.period ? 1 : -1))[0];
}

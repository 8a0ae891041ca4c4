// Issues a tenant's invoice for a closed period, idempotently: the first call writes it, every
// later (or racing) call returns that same invoice. Numbers come from a counter row locked in the
// inserting transaction, so only a committed invoice takes one: no gaps, never reused. The same
// transaction records what the prepaid balance already paid of it (settlePrepaidUsage).
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type LedgerPeriod, ledgerPeriod, planHeldDuring, unitPricesDuring } from '@gateway/billing/domain';
import { minorUnitDigits } from '@gateway/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { isUniqueViolation } from '@gateway/db';
import { TenantBillingDetails, tenantBillingDetails } from '@gateway/identity/domain';
import {
  billingSettings,
  BillingSettings,
  DEFAULT_PAYMENT_TERMS_DAYS,
  exchangeRateFor,
} from '@gateway/settings/domain';
import { usageByModel } from '@gateway/usage/domain';
import { DataSource, EntityManager, In } from 'typeorm';
import { InvoiceSettlement, PREPAID_USAGE_REFERENCE } from '../entities/invoice-settlement.entity';
import { Invoice, InvoiceKind, StoredCustomer, StoredIssuer } from '../entities/invoice.entity';
import { convertInvoice } from './currency-conversion';
import { InvoiceError, InvoiceErrorCode } from '../invoices.errors';
import { invoiceContent } from './invoice-content';
import { invoiceIdFor } from './invoice-id';
import { nextPeriod, previousPeriod, type InvoiceWindow } from './invoice-period';
import { issuableWindow } from './issuable-period';

export interface IssuedInvoice {
  invoice: Invoice;
  /** false when it had been issued before (by this call's predecessor or a racing worker). */
  created: boolean;
}

const NUMBER_PREFIX: Record<InvoiceKind, string> = { invoice: 'INV', credit_note: 'CN' };

@Injectable()
export class InvoiceGenerator {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(tenantId: string, period: string, now = new Date()): Promise<IssuedInvoice> {
    const id = invoiceIdFor(tenantId, period);
    const existing = await this.dataSource.getRepository(Invoice).findOneBy({ id });
    if (existing) return { invoice: existing, created: false };
    try {
      return await this.dataSource.transaction((manager) => this.issueIn(manager, id, tenantId, period, now));
    } catch (error) {
      // Only a racing issuer of the very same invoice gets here (the counter lock orders the rest).
      if (
        isUniqueViolation(error, 'invoices_pkey') ||
        isUniqueViolation(error, 'invoices_tenant_period_key')
      ) {
        return {
          invoice: await this.dataSource.getRepository(Invoice).findOneByOrFail({ id }),
          created: false,
        };
      }
      throw error;
    }
  }

  private async issueIn(
    manager: EntityManager,
    id: string,
    tenantId: string,
    period: string,
    now: Date,
  ): Promise<IssuedInvoice> {
    const tenant = await tenantBillingDetails(manager, tenantId);
    if (!tenant) throw new InvoiceError(InvoiceErrorCode.NotFound, 'no such tenant');
    const window = await adjoiningWindow(manager, tenantId, issuableWindow(period, tenant, now));
    // The period is closed: these reads cannot change any more, so they need no lock.
    const usage = await usageByModel(manager, tenantId, window.start, window.end);
    const ledger = await ledgerPeriod(manager, tenantId, window.start, window.end);
    const plan = await planHeldDuring(manager, tenantId, window.start, window.end);
    const prices = await unitPricesDuring(
      manager,
      usage.map((row) => row.model),
      tenant.group,
      window.start,
      window.end,
    );
    const content = invoiceContent({ usage, ledger, plan, prices, taxRate: this.config.INVOICE_TAX_RATE });
    const settings = await billingSettings(manager);
    const currency = invoiceCurrency(tenant, settings, period);

    const issuedAt = await transactionTime(manager);
    const number = await takeNumber(manager, 'invoice', issuedAt.getUTCFullYear(), async () =>
      // Under the counter's lock: an issuer that committed meanwhile is seen here, and this one
      // backs out without taking a number.
      manager.getRepository(Invoice).exists({ where: { id } }),
    );
    if (number === null) {
      return { invoice: await manager.getRepository(Invoice).findOneByOrFail({ id }), created: false };
    }
    const invoice = manager.getRepository(Invoice).create({
      id,
      kind: 'invoice',
      number,
      tenantId,
      period,
      periodStart: window.start,
      periodEnd: window.end,
      timezone: tenant.timezone,
      status: 'issued',
      ...currency,
      converted: currency.exchangeRate
        ? convertInvoice(
            content.lines.map((line) => BigInt(line.amountNano)),
            currency.exchangeRate,
            minorUnitDigits(currency.currency),
            this.config.INVOICE_TAX_RATE,
          )
        : null,
      // An invoice's cents are derived from its lines when read (rounded-usd.ts).
      statedUsd: null,
      language: tenant.billingProfile?.language ?? 'en',
      issuer: issuerSnapshot(settings),
      customer: customerSnapshot(tenant),
      dueAt: new Date(
        issuedAt.getTime() + (settings.issuer?.paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS) * 86_400_000,
      ),
      billingName: customerSnapshot(tenant).legalName,
      billingEmail: customerSnapshot(tenant).email,
      ...content,
      taxRate: this.config.INVOICE_TAX_RATE,
      creditNoteOf: null,
      reason: null,
      issuedAt,
    });
    await manager.getRepository(Invoice).insert(invoice);
    await settlePrepaidUsage(manager, invoice, ledger, issuedAt);
    return { invoice, created: true };
  }
}

/**
 * The month's window joined to the tenant's invoices of the months either side. The month is the
 * tenant's time zone's; when that changed since a neighbour was issued, this one starts where the
 * last ended (and ends where the next began), so the hours between the two zones' boundaries are
 * invoiced once: neither left out (a move west) nor on both invoices (a move east).
 */
async function adjoiningWindow(
  manager: EntityManager,
  tenantId: string,
  window: InvoiceWindow,
): Promise<InvoiceWindow> {
  const before = invoiceIdFor(tenantId, previousPeriod(window.period));
  const after = invoiceIdFor(tenantId, nextPeriod(window.period));
  const neighbours = await manager.getRepository(Invoice).find({
    select: { id: true, periodStart: true, periodEnd: true },
    where: { id: In([before, after]) },
  });
  return {
    period: window.period,
    start: neighbours.find((row) => row.id === before)?.periodEnd ?? window.start,
    end: neighbours.find((row) => row.id === after)?.periodStart ?? window.end,
  };
}

/**
 * What the prepaid balance already paid of the invoice: every request's cost was debited from it
 * (the usage lines sum to exactly those debits) less what the plan's allowance gave back. Recorded
 * as a settlement in the issuing transaction, so only the rest (tax, the plan's fee) is left to pay,
 * and a customer who pays the invoice does not pay its usage twice. Never more than the total, so a
 * settlement never pays more than the invoice asks.
 */
export function prepaidUsageNano(invoice: Pick<Invoice, 'totalNano'>, ledger: LedgerPeriod): bigint {
  const prepaid = ledger.usageNano - ledger.planAllowanceNano;
  if (prepaid <= 0n) return 0n;
  return prepaid < invoice.totalNano ? prepaid : invoice.totalNano;
}

async function settlePrepaidUsage(
  manager: EntityManager,
  invoice: Invoice,
  ledger: LedgerPeriod,
  issuedAt: Date,
): Promise<void> {
  const amountNano = prepaidUsageNano(invoice, ledger);
  if (amountNano === 0n) return;
  await manager.getRepository(InvoiceSettlement).insert({
    invoiceId: invoice.id,
    amountNano,
    reference: PREPAID_USAGE_REFERENCE,
    source: 'balance',
    paidAt: issuedAt,
    recordedBy: null,
  });
}

/**
 * The invoice's currency and the rate fixed for it: USD needs none; another currency needs a rate
 * for the period (or an earlier month), else the invoice waits (409 exchange_rate_missing).
 */
export function invoiceCurrency(
  tenant: Pick<TenantBillingDetails, 'billingProfile'>,
  settings: Pick<BillingSettings, 'exchangeRates'>,
  period: string,
): { currency: string; exchangeRate: string | null; exchangeRatePeriod: string | null } {
  const currency = tenant.billingProfile?.currency ?? 'USD';
  if (currency === 'USD') return { currency, exchangeRate: null, exchangeRatePeriod: null };
  const rate = exchangeRateFor(settings.exchangeRates, currency, period);
  if (!rate) {
    throw new InvoiceError(
      InvoiceErrorCode.ExchangeRateMissing,
      `no exchange rate for ${currency} in or before ${period}: a super admin sets it in the settings`,
    );
  }
  return { currency, exchangeRate: rate.rate, exchangeRatePeriod: rate.period };
}

function issuerSnapshot(settings: Pick<BillingSettings, 'issuer'>): StoredIssuer | null {
  return settings.issuer ? { ...settings.issuer } : null;
}

/** The customer as the profile names it, falling back to the tenant's name and billing email. */
export function customerSnapshot(
  tenant: Pick<TenantBillingDetails, 'name' | 'billingEmail' | 'billingProfile'>,
): StoredCustomer {
  const profile = tenant.billingProfile;
  return {
    legalName: profile?.legalName ?? tenant.name,
    address: profile?.address ?? null,
    country: profile?.country ?? null,
    taxId: profile?.taxId ?? null,
    email: profile?.email ?? tenant.billingEmail,
  };
}

/** now() of the transaction: the issue date and the numbering year come from the database clock. */
export async function transactionTime(manager: EntityManager): Promise<Date> {
  const rows = (await manager.query('SELECT now() AS now')) as [{ now: Date }];
  return rows[0].now;
}

/**
 * Locks the (kind, year) counter for the rest of the transaction and takes the next number, unless
 * `alreadyDone` says (under the lock) that there is nothing to issue: then null, nothing taken.
 */
export async function takeNumber(
  manager: EntityManager,
  kind: InvoiceKind,
  year: number,
  alreadyDone: () => Promise<boolean>,
): Promise<string | null> {
  await manager.query(
    `INSERT INTO invoice_counters (kind, year, last_number) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING`,
    [kind, year],
  );
  const counter = (await manager.query(
    `SELECT last_number FROM invoice_counters WHERE kind = $1 AND year = $2 FOR UPDATE`,
    [kind, year],
  )) as [{ last_number: number }];
  if (await alreadyDone()) return null;
  const next = counter[0].last_number + 1;
  await manager.query(`UPDATE invoice_counters SET last_number = $3 WHERE kind = $1 AND year = $2`, [
    kind,
    year,
    next,
  ]);
  return `${NUMBER_PREFIX[kind]}-${year}-${String(next).padStart(6, '0')}`;
}

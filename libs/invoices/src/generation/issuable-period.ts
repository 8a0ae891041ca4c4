// Which months may be invoiced: only closed ones the tenant had. An issued invoice takes a number
// and can never be changed, so a month the tenant never had must be refused before anything is queued.
import type { TenantBillingDetails } from '@gateway/identity/domain';
import { InvoiceError, InvoiceErrorCode } from '../invoices.errors';
import { CLOSE_GRACE_MS } from './close-grace';
import { invoiceWindow, InvoiceWindow } from './invoice-period';

/** False for a month that ended before (or as) the tenant was created: it had nothing in it. */
export function tenantHadPeriod(
  tenant: Pick<TenantBillingDetails, 'createdAt'>,
  window: InvoiceWindow,
): boolean {
  return tenant.createdAt.getTime() < window.end.getTime();
}

/** The window of `period` in the tenant's zone, or a 409 when it is still open or the tenant never had it. */
export function issuableWindow(period: string, tenant: TenantBillingDetails, now: Date): InvoiceWindow {
  const window = invoiceWindow(period, tenant.timezone);
  if (now.getTime() < window.end.getTime() + CLOSE_GRACE_MS) {
    throw new InvoiceError(
      InvoiceErrorCode.PeriodNotClosed,
      `period ${period} ends ${window.end.toISOString()} in ${tenant.timezone}; ` +
        'its invoice can be issued a few minutes after that',
      { field: 'period' },
    );
  }
  if (!tenantHadPeriod(tenant, window)) {
    throw new InvoiceError(
      InvoiceErrorCode.PeriodBeforeTenant,
      `period ${period} ended before the tenant was created (${tenant.createdAt.toISOString()})`,
      { field: 'period' },
    );
  }
  return window;
}

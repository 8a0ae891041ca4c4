export { BILLING_ENTITIES, BillingModule } from './billing.module';
export { ModelPrice } from './entities/model-price.entity';
export { LEDGER_KINDS, LedgerEntry } from './entities/ledger-entry.entity';
export type { LedgerKind } from './entities/ledger-entry.entity';
export { TenantBalance } from './entities/tenant-balance.entity';
export { appendLedgerLine } from './ledger/ledger-writer';
export type { AppendedLine, NewLedgerLine } from './ledger/ledger-writer';
export { BillingError, BillingErrorCode } from './billing.errors';
export { PRICE_WRITE_ROLES, PriceAdmin, CatalogReader } from './billing-permissions';

// For the relay's metering and the invoices.
export { ModelPricesService } from './model-prices.service';
export { ModelCatalogService } from './catalog/model-catalog.service';
export { PRICES_TOPIC, PriceBookService } from './pricing/price-book.service';
export { PriceBook } from './pricing/price-book';
export type { PricedUsage } from './pricing/price-book';
export {
  computeCost,
  divideRoundHalfUp,
  microNanoToUsd,
  MICRO_NANO_PER_NANO,
} from './pricing/price-calculator';
export type { CostBreakdown, PriceNano, TokenUsage } from './pricing/price-calculator';
export { BalanceMirror } from './balance/balance-mirror';
export type { HoldRequest, HoldVerdict, MirrorSnapshot } from './balance/balance-mirror';

export * from './domain';
export { BillingModule } from './billing.module';
export { PRICE_WRITE_ROLES, PriceAdmin, CatalogReader } from './billing-permissions';

// For the relay's metering and the invoices.
export { ModelPricesService } from './model-prices.service';
export { ModelCatalogService } from './catalog/model-catalog.service';
export { PriceBookService } from './pricing/price-book.service';
export { PriceBook } from './pricing/price-book';
export type { PricedUsage } from './pricing/price-book';
export { BalanceMirror, MAX_EXACT as MAX_HOLD_NANO, verdictOf } from './balance/balance-mirror';
export type {
  HoldOutcome,
  HoldRequest,
  HoldVerdict,
  MirrorSnapshot,
  PlacedHold,
  SettleRequest,
} from './balance/balance-mirror';

// The ledger's credit side and group multipliers (for the relay's PriceBook and refunds).
export { CreditPoster } from './ledger/credit-poster';
export type { CreditLine, CreditTransaction } from './ledger/credit-poster';
export { GroupMultipliersService } from './multipliers/group-multipliers.service';
export { CREDIT_WRITE_ROLES, LEDGER_READ_ROLES, REDEEM_ROLES } from './billing-permissions';
// For online top-ups (@gateway/payments): the amount a credit line may carry.
export { IsCreditUsd, MAX_CREDIT_USD } from './dto/credit-amount';
// and how a ledger line a provider's refund or dispute wrote is audited.
export { LEDGER_ENTRY_AUDIT_TYPE, LedgerEntryView } from './ledger/views/ledger-entry.view';

// Plans and subscriptions (for the hot path's plan limits and allowance).
export { SubscriptionsService } from './subscriptions/subscriptions.service';
export { CurrentPlans } from './subscriptions/current-plans';
export { PLAN_WRITE_ROLES, SUBSCRIPTION_READ_ROLES } from './billing-permissions';

// For the NewAPI / one-api importer (@gateway/migration): the ratio import and its exact decimals.
export { NewApiImportService, type ImportedDigest } from './import/newapi-import.service';
export { DEFAULT_QUOTA_PER_UNIT, exactDecimal } from './import/newapi-ratios';
export type { Exact } from './import/newapi-ratios';
export { ImportNewApiDto } from './import/dto/import-newapi.dto';
export { NewApiImportView } from './import/views/newapi-import.view';
export { newImportBatchId, upsertImportedRedemptionCode } from './redemption/imported-redemption-code';
export type {
  ImportedRedemptionCode,
  ImportedRedemptionCodeInput,
} from './redemption/imported-redemption-code';

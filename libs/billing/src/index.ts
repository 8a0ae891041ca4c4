export { BILLING_ENTITIES, BillingModule, BillingWorkerModule } from './billing.module';
export { HoldReaper } from './balance/hold-reaper';
export { MirrorReconciler } from './balance/mirror-reconciler';
export type { MirrorCorrection, MirrorReconcileReport } from './balance/mirror-reconciler';
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
export { PriceBookService } from './pricing/price-book.service';
export { PRICES_TOPIC } from './pricing/prices-topic';
export { PriceBook } from './pricing/price-book';
export type { PricedUsage } from './pricing/price-book';
export { BILLED_UNITS, billMetered, imageRateNano } from './pricing/metered-cost';
export type { BilledUnit, MeteredBill, MeteredTokens, MeteredUsage } from './pricing/metered-cost';
export {
  computeCost,
  divideRoundHalfUp,
  microNanoToUsd,
  MICRO_NANO_PER_NANO,
} from './pricing/price-calculator';
export type { CostBreakdown, PriceNano, TokenUsage } from './pricing/price-calculator';
export { BalanceMirror, verdictOf } from './balance/balance-mirror';
export { HOLD_FUNCTIONS, SETTLE_FUNCTIONS } from './balance/balance-scripts';
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
export { GroupMultiplier } from './entities/group-multiplier.entity';
export { RedemptionCode } from './entities/redemption-code.entity';
export { GroupMultipliersService } from './multipliers/group-multipliers.service';
export {
  applyMultiplier,
  DEFAULT_MULTIPLIER,
  isValidMultiplier,
  normalizeMultiplier,
} from './multipliers/apply-multiplier';
export { CREDIT_WRITE_ROLES, LEDGER_READ_ROLES, REDEEM_ROLES } from './billing-permissions';
// For online top-ups (@gateway/payments): the amount a credit line may carry.
export { IsCreditUsd, MAX_CREDIT_USD } from './dto/credit-amount';
export { planAllowanceByTenant, usageDebitsByTenant } from './ledger/usage-debits';

// Plans and subscriptions (for the hot path's plan limits and allowance).
export { Plan, PLAN_STATUSES } from './entities/plan.entity';
export type { PlanStatus } from './entities/plan.entity';
export { Subscription } from './entities/subscription.entity';
export { SubscriptionChange } from './entities/subscription-change.entity';
export { SubscriptionsService } from './subscriptions/subscriptions.service';
export type { CurrentPlan } from './subscriptions/current-plan';
export { periodContaining } from './subscriptions/period-containing';
export { CurrentPlans } from './subscriptions/current-plans';
export { PLANS_TOPIC } from './plans/plans-topic';
export { PlanPeriodUsage } from './entities/plan-period-usage.entity';
export { addPlanPeriodUsage } from './subscriptions/add-plan-period-usage';
export type { PlanPeriodDelta } from './subscriptions/add-plan-period-usage';
export type { BillingPeriod } from './subscriptions/period-containing';
export { PLAN_WRITE_ROLES, SUBSCRIPTION_READ_ROLES } from './billing-permissions';

// For invoices: a window of the ledger and the plan billed for it, read in the caller's transaction.
export { ledgerPeriod } from './ledger/ledger-period';
export type { LedgerPayment, LedgerPeriod } from './ledger/ledger-period';
export { planHeldDuring } from './subscriptions/plan-held-during';
export type { HeldPlan } from './subscriptions/plan-held-during';
export { unitPricesDuring } from './pricing/unit-prices-during';
export type { UnitPrices } from './pricing/unit-prices-during';

// For the NewAPI / one-api importer (@gateway/migration): the ratio import and its exact decimals.
export { NewApiImportService } from './import/newapi-import.service';
export { DEFAULT_QUOTA_PER_UNIT, exactDecimal } from './import/newapi-ratios';
export type { Exact } from './import/newapi-ratios';
export { ImportNewApiDto } from './import/dto/import-newapi.dto';
export { NewApiImportView } from './import/views/newapi-import.view';
export { newImportBatchId, upsertImportedRedemptionCode } from './redemption/imported-redemption-code';
export type {
  ImportedRedemptionCode,
  ImportedRedemptionCodeInput,
} from './redemption/imported-redemption-code';

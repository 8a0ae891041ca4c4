// Billing without its HTTP face (`@gateway/billing/domain`): what the worker and code that runs in
// it may import. Nothing reachable from here loads a controller, a DTO or a view (docs/design.md,
// "Layers"); index.ts adds /api's routes and the services behind them.
export { BILLING_ENTITIES } from './billing.entities';
export { BillingWorkerModule } from './billing-worker.module';
export { HoldReaper } from './balance/hold-reaper';
export { MirrorReconciler } from './balance/mirror-reconciler';
export { TokenMirrorSweep } from './balance/token-mirror-sweep';
export type { TokenMirrorSweepReport } from './balance/token-mirror-sweep';
export type { MirrorCorrection, MirrorReconcileReport } from './balance/mirror-reconciler';
export { ModelPrice } from './entities/model-price.entity';
export { LEDGER_KINDS, LedgerEntry } from './entities/ledger-entry.entity';
export type { LedgerKind } from './entities/ledger-entry.entity';
export { TenantBalance } from './entities/tenant-balance.entity';
export { appendLedgerLine, appendUsageLines } from './ledger/ledger-writer';
export type { AppendedLine, NewLedgerLine, UsageLines } from './ledger/ledger-writer';
export { BillingError, BillingErrorCode } from './billing.errors';

// Prices and metering.
export { PRICES_TOPIC } from './pricing/prices-topic';
export { BILLED_UNITS, billMetered, imageRateNano } from './pricing/metered-cost';
export type { BilledUnit, MeteredBill, MeteredTokens, MeteredUsage } from './pricing/metered-cost';
export {
  computeCost,
  divideRoundHalfUp,
  microNanoToUsd,
  MICRO_NANO_PER_NANO,
} from './pricing/price-calculator';
export type { CostBreakdown, PriceNano, TokenUsage } from './pricing/price-calculator';
export { HOLD_FUNCTIONS, SETTLE_FUNCTIONS } from './balance/balance-scripts';
export { GroupMultiplier } from './entities/group-multiplier.entity';
export { RedemptionCode } from './entities/redemption-code.entity';
export {
  applyMultiplier,
  DEFAULT_MULTIPLIER,
  isValidMultiplier,
  normalizeMultiplier,
} from './multipliers/apply-multiplier';
export { planAllowanceByTenant, usageDebitsByTenant } from './ledger/usage-debits';

// Plans and subscriptions.
export { Plan, PLAN_STATUSES } from './entities/plan.entity';
export type { PlanStatus } from './entities/plan.entity';
export { Subscription } from './entities/subscription.entity';
export { SubscriptionChange } from './entities/subscription-change.entity';
export type { CurrentPlan } from './subscriptions/current-plan';
export { periodContaining } from './subscriptions/period-containing';
export type { BillingPeriod } from './subscriptions/period-containing';
export { PLANS_TOPIC } from './plans/plans-topic';
export { PlanPeriodUsage } from './entities/plan-period-usage.entity';
export { addPlanPeriodUsage } from './subscriptions/add-plan-period-usage';
export type { PlanPeriodDelta } from './subscriptions/add-plan-period-usage';

// For invoices: a window of the ledger and the plan billed for it, read in the caller's transaction.
export { ledgerPeriod } from './ledger/ledger-period';
export type { LedgerPayment, LedgerPeriod } from './ledger/ledger-period';
export { planHeldDuring } from './subscriptions/plan-held-during';
export type { HeldPlan } from './subscriptions/plan-held-during';
export { unitPricesDuring } from './pricing/unit-prices-during';
export type { UnitPrices } from './pricing/unit-prices-during';

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@gateway/audit';
import { ChannelsModule } from '@gateway/channels';
import { IdentityModule } from '@gateway/identity';
import { TokensModule } from '@gateway/tokens';
import { BalanceMirror } from './balance/balance-mirror';
import { HoldReaper } from './balance/hold-reaper';
import { MirrorReconciler } from './balance/mirror-reconciler';
import { ModelCatalogService } from './catalog/model-catalog.service';
import { GroupMultiplier } from './entities/group-multiplier.entity';
import { LedgerEntry } from './entities/ledger-entry.entity';
import { ModelPrice } from './entities/model-price.entity';
import { PlanPeriodUsage } from './entities/plan-period-usage.entity';
import { Plan } from './entities/plan.entity';
import { RedemptionCode } from './entities/redemption-code.entity';
import { SubscriptionChange } from './entities/subscription-change.entity';
import { Subscription } from './entities/subscription.entity';
import { TenantBalance } from './entities/tenant-balance.entity';
import { NewApiImportController } from './import/newapi-import.controller';
import { NewApiImportService } from './import/newapi-import.service';
import { CreditPoster } from './ledger/credit-poster';
import { LedgerController } from './ledger/ledger.controller';
import { LedgerService } from './ledger/ledger.service';
import { TenantBalancesModule } from './ledger/tenant-balances.module';
import { ModelPricesService } from './model-prices.service';
import { GroupMultipliersController } from './multipliers/group-multipliers.controller';
import { GroupMultipliersService } from './multipliers/group-multipliers.service';
import { PriceBookService } from './pricing/price-book.service';
import { ModelsController } from './models.controller';
import { PlansController } from './plans/plans.controller';
import { PlansService } from './plans/plans.service';
import { RedemptionCodesController } from './redemption/redemption-codes.controller';
import { RedemptionCodesService } from './redemption/redemption-codes.service';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { CurrentPlans } from './subscriptions/current-plans';
import { SubscriptionsService } from './subscriptions/subscriptions.service';
import { TopupsController } from './topups/topups.controller';
import { TopupsService } from './topups/topups.service';

export const BILLING_ENTITIES = [
  ModelPrice,
  LedgerEntry,
  TenantBalance,
  RedemptionCode,
  GroupMultiplier,
  Plan,
  Subscription,
  SubscriptionChange,
  PlanPeriodUsage,
];

/**
 * Model prices and the models catalog (derived from the channels); the ledger, top-ups, redemption
 * codes and group multipliers; plans and subscriptions; the hot path's balance mirror.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(BILLING_ENTITIES),
    AuditModule,
    ChannelsModule,
    IdentityModule,
    TokensModule,
    TenantBalancesModule,
  ],
  controllers: [
    ModelsController,
    NewApiImportController,
    LedgerController,
    TopupsController,
    RedemptionCodesController,
    GroupMultipliersController,
    PlansController,
    SubscriptionsController,
  ],
  providers: [
    ModelPricesService,
    ModelCatalogService,
    PriceBookService,
    BalanceMirror,
    CreditPoster,
    LedgerService,
    TopupsService,
    RedemptionCodesService,
    GroupMultipliersService,
    NewApiImportService,
    PlansService,
    SubscriptionsService,
    CurrentPlans,
  ],
  exports: [
    ModelPricesService,
    ModelCatalogService,
    PriceBookService,
    BalanceMirror,
    CreditPoster,
    GroupMultipliersService,
    NewApiImportService,
    SubscriptionsService,
    CurrentPlans,
  ],
})
export class BillingModule {}

/**
 * The worker side of billing: releasing the holds of requests whose process died, and reconciling
 * the Redis mirror with the ledger (run by the usage queue's schedule).
 */
@Module({ providers: [HoldReaper, MirrorReconciler], exports: [HoldReaper, MirrorReconciler] })
export class BillingWorkerModule {}

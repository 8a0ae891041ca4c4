import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@gateway/audit';
import { ChannelsModule } from '@gateway/channels';
import { IdentityModule } from '@gateway/identity';
import { TokensModule } from '@gateway/tokens';
import { BalanceMirror } from './balance/balance-mirror';
import { BILLING_ENTITIES } from './billing.entities';
import { ModelCatalogService } from './catalog/model-catalog.service';
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

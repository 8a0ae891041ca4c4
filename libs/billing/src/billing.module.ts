import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@gateway/audit';
import { ChannelsModule } from '@gateway/channels';
import { IdentityModule } from '@gateway/identity';
import { TokensModule } from '@gateway/tokens';
import { BalanceMirror } from './balance/balance-mirror';
import { ModelCatalogService } from './catalog/model-catalog.service';
import { LedgerEntry } from './entities/ledger-entry.entity';
import { ModelPrice } from './entities/model-price.entity';
import { TenantBalance } from './entities/tenant-balance.entity';
import { ModelPricesService } from './model-prices.service';
import { PriceBookService } from './pricing/price-book.service';
import { ModelsController } from './models.controller';

export const BILLING_ENTITIES = [ModelPrice, LedgerEntry, TenantBalance];

/** Model prices and the models catalog (derived from the channels). */
@Module({
  imports: [
    TypeOrmModule.forFeature(BILLING_ENTITIES),
    AuditModule,
    ChannelsModule,
    IdentityModule,
    TokensModule,
  ],
  controllers: [ModelsController],
  providers: [ModelPricesService, ModelCatalogService, PriceBookService, BalanceMirror],
  exports: [ModelPricesService, ModelCatalogService, PriceBookService, BalanceMirror],
})
export class BillingModule {}

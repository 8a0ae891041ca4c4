import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@gateway/audit';
import { ChannelsModule } from '@gateway/channels';
import { IdentityModule } from '@gateway/identity';
import { ModelCatalogService } from './catalog/model-catalog.service';
import { ModelPrice } from './entities/model-price.entity';
import { ModelPricesService } from './model-prices.service';
import { PriceBookService } from './pricing/price-book.service';
import { ModelsController } from './models.controller';

export const BILLING_ENTITIES = [ModelPrice];

/** Model prices and the models catalog (derived from the channels). */
@Module({
  imports: [TypeOrmModule.forFeature(BILLING_ENTITIES), AuditModule, ChannelsModule, IdentityModule],
  controllers: [ModelsController],
  providers: [ModelPricesService, ModelCatalogService, PriceBookService],
  exports: [ModelPricesService, ModelCatalogService, PriceBookService],
})
export class BillingModule {}

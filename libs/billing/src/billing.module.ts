import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelPrice } from './entities/model-price.entity';

export const BILLING_ENTITIES = [ModelPrice];

@Module({
  imports: [TypeOrmModule.forFeature(BILLING_ENTITIES)],
})
export class BillingModule {}

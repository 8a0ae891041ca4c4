export { BILLING_ENTITIES, BillingModule } from './billing.module';
export { ModelPrice } from './entities/model-price.entity';

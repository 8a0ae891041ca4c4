import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@gateway/audit';
import { BillingModule } from '@gateway/billing';
import { ChannelsModule } from '@gateway/channels';
import { IdentityModule } from '@gateway/identity';
import { InvoicesModule } from '@gateway/invoices';
import { PaymentIntentBackfill } from './orders/payment-intent-backfill';
import { PaymentReversals } from './orders/payment-reversals';
import { PaymentSettlement } from './orders/payment-settlement';
import { TopupOrdersController } from './orders/topup-orders.controller';
import { TopupOrdersService } from './orders/topup-orders.service';
import { PaymentProvidersController } from './providers/payment-providers.controller';
import { PaymentProvidersService } from './providers/payment-providers.service';
import { PaymentNotificationsController } from './webhooks/payment-notifications.controller';
import { PaymentNotificationsService } from './webhooks/payment-notifications.service';
import { PAYMENTS_ENTITIES } from './payments.entities';

/**
 * Online top-ups: payment providers (Stripe Checkout, EPay) configured by a super admin, orders a
 * tenant pays through them (a top-up, or an open invoice), and the providers' verified notifications
 * crediting the ledger or settling the invoice once, and Stripe's refunds and disputes taking it back.
 * Needs APP_CONFIG, REDIS and the settings (global modules).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(PAYMENTS_ENTITIES),
    AuditModule,
    BillingModule,
    ChannelsModule,
    IdentityModule,
    InvoicesModule,
  ],
  controllers: [PaymentProvidersController, TopupOrdersController, PaymentNotificationsController],
  providers: [
    PaymentProvidersService,
    TopupOrdersService,
    PaymentSettlement,
    PaymentReversals,
    PaymentIntentBackfill,
    PaymentNotificationsService,
  ],
  exports: [PaymentSettlement],
})
export class PaymentsModule {}

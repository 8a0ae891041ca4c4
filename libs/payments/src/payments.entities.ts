import { PaymentEvent } from './entities/payment-event.entity';
import { PaymentProviderConfig } from './entities/payment-provider-config.entity';
import { TopupOrder } from './entities/topup-order.entity';

export const PAYMENTS_ENTITIES = [PaymentProviderConfig, TopupOrder, PaymentEvent];

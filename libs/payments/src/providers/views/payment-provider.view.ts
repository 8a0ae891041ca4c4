import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PaymentProviderConfig } from '../../entities/payment-provider-config.entity';
import { EPAY_METHODS, PAYMENT_PROVIDERS, PaymentProviderKind } from '../payment-provider-kinds';

/** Where each provider's notifications are answered, under the site's URL. */
export const NOTIFY_PATHS: Record<PaymentProviderKind, string> = {
  stripe: '/api/payments/stripe/webhook',
  epay: '/api/payments/epay/notify',
};

/** A payment provider as a super admin sees it: settings, and secrets only as masks. */
export class PaymentProviderView {
  @ApiProperty({ enum: PAYMENT_PROVIDERS }) provider!: PaymentProviderKind;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ example: 'usd' }) currency!: string;
  @ApiProperty({ example: '1', description: 'units of currency per 1 USD credited' }) usdRate!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'EPay only' }) gatewayUrl?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'EPay only' }) pid?: string | null;
  @ApiPropertyOptional({ enum: EPAY_METHODS, isArray: true, description: 'EPay only' }) methods?: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    example: { secretKey: 'sk_live_…abcd', webhookSecret: null },
    description: 'each secret’s mask, null when not set',
  })
  secrets!: Record<string, string | null>;
  @ApiProperty({
    example: '/api/payments/stripe/webhook',
    description: 'give the provider this path under the site URL',
  })
  notifyPath!: string;
  @ApiProperty({ type: String, nullable: true }) updatedAt!: string | null;

  static of(row: PaymentProviderConfig, secretNames: readonly string[]): PaymentProviderView {
    const view: PaymentProviderView = {
      provider: row.provider,
      enabled: row.enabled,
      currency: row.currency,
      usdRate: normalizeRate(row.usdRate),
      secrets: Object.fromEntries(secretNames.map((name) => [name, row.secretHints[name] ?? null])),
      notifyPath: NOTIFY_PATHS[row.provider],
      updatedAt: row.updatedAt ? row.updatedAt.toISOString() : null,
    };
    if (row.provider === 'epay') {
      view.gatewayUrl = (row.settings['gatewayUrl'] as string | undefined) ?? null;
      view.pid = (row.settings['pid'] as string | undefined) ?? null;
      view.methods = (row.settings['methods'] as string[] | undefined) ?? [...EPAY_METHODS];
    }
    return view;
  }
}

/** NUMERIC comes back as "7.200000": show "7.2". */
export function normalizeRate(rate: string): string {
  return rate.includes('.') ? rate.replace(/0+$/, '').replace(/\.$/, '') : rate;
}

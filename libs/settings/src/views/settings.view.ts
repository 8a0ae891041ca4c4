import { ApiProperty } from '@nestjs/swagger';
import type { ExchangeRate, IssuerSettings, SmtpSettings } from '../billing/billing-settings';
import type { RuntimeSettingsValues } from '../settings-schema';

export class IssuerView implements IssuerSettings {
  @ApiProperty() legalName!: string;
  @ApiProperty() address!: string;
  @ApiProperty({ type: String, nullable: true }) taxId!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true }) paymentInstructions!: string | null;
  @ApiProperty({ type: String, nullable: true }) footer!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'VAT' }) taxLabel!: string | null;
  @ApiProperty({ example: 30 }) paymentTermsDays!: number;
  @ApiProperty({ type: String, nullable: true, description: 'a data: URL (PNG or JPEG)' }) logo!:
    string | null;
}

/** The SMTP settings as read back: the password is never shown, only whether one is set. */
export class SmtpView {
  @ApiProperty() host!: string;
  @ApiProperty() port!: number;
  @ApiProperty() secure!: boolean;
  @ApiProperty({ type: String, nullable: true }) username!: string | null;
  @ApiProperty() passwordSet!: boolean;
  @ApiProperty() from!: string;

  static of(smtp: SmtpSettings | null): SmtpView | null {
    if (!smtp) return null;
    const { password, ...rest } = smtp;
    return { ...rest, passwordSet: password !== null };
  }
}

export class ExchangeRateView implements ExchangeRate {
  @ApiProperty({ example: '2026-10' }) period!: string;
  @ApiProperty({ example: 'CNY' }) currency!: string;
  @ApiProperty({ example: '7.1234', description: 'units of `currency` per USD' }) rate!: string;
}

export class SettingsView implements Omit<RuntimeSettingsValues, 'smtp'> {
  @ApiProperty() siteName!: string;
  @ApiProperty({ type: String, nullable: true }) siteUrl!: string | null;
  @ApiProperty() registrationOpen!: boolean;
  @ApiProperty() relayMaxAttempts!: number;
  @ApiProperty({ type: [Number] }) relayRetryStatuses!: number[];
  @ApiProperty() relayCooldownBaseMs!: number;
  @ApiProperty() relayCooldownMaxMs!: number;
  @ApiProperty({ type: IssuerView, nullable: true, description: 'who issues the invoices; null until set' })
  issuer!: IssuerView | null;
  @ApiProperty({
    type: SmtpView,
    nullable: true,
    description: 'where invoice emails leave from; null: not mailed',
  })
  smtp!: SmtpView | null;
  @ApiProperty({
    type: [ExchangeRateView],
    description: 'monthly rates for tenants billed in another currency',
  })
  exchangeRates!: ExchangeRateView[];
  @ApiProperty({
    type: [String],
    description: 'settings changed from the dashboard; the others are the environment’s defaults',
  })
  overridden!: string[];

  static of(values: RuntimeSettingsValues, overridden: string[]): SettingsView {
    return { ...values, smtp: SmtpView.of(values.smtp), overridden };
  }
}

/** What the login page may know before anyone signs in. */
export class PublicSettingsView {
  @ApiProperty() siteName!: string;
  @ApiProperty({ type: String, nullable: true }) siteUrl!: string | null;
  @ApiProperty() registrationOpen!: boolean;
}

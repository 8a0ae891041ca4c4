import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, registerDecorator } from 'class-validator';
import { isIsoCurrency } from '@gateway/common';

/** A month from 2000-01 to 2999-12: a mistyped year (0026) would be every later month's fallback rate. */
const MONTH_PATTERN = /^2\d{3}-(0[1-9]|1[0-2])$/;

/** As many rates as PATCH /api/settings takes in its list (the routes that set one keep to it too). */
export const MAX_EXCHANGE_RATES = 2000;
export const RATE_PATTERN = /^(?!0+(\.0+)?$)\d{1,7}(\.\d{1,6})?$/;

function IsIsoCurrencyOtherThanUsd(field = 'exchangeRates.currency'): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIsoCurrencyOtherThanUsd',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${field} must be an ISO 4217 code other than USD, e.g. "CNY"` },
      validator: { validate: (value: unknown) => isIsoCurrency(value) && value !== 'USD' },
    });
}

/** One month's rate: how many units of `currency` one USD buys. */
export class ExchangeRateDto {
  @ApiProperty({ example: '2026-10', description: 'the invoices’ month, YYYY-MM' })
  @IsString({ message: 'exchangeRates.period must be a month, YYYY-MM, from 2000-01' })
  @Matches(MONTH_PATTERN, { message: 'exchangeRates.period must be a month, YYYY-MM, from 2000-01' })
  period!: string;

  @ApiProperty({ example: 'CNY' })
  @IsIsoCurrencyOtherThanUsd()
  currency!: string;

  @ApiProperty({
    example: '7.1234',
    description: 'units of `currency` per USD; positive, at most 6 decimals',
  })
  @IsString({ message: 'exchangeRates.rate must be a decimal string' })
  @Matches(RATE_PATTERN, {
    message: 'exchangeRates.rate must be a positive decimal with at most 6 places, below 10000000',
  })
  rate!: string;
}

/** `/api/settings/exchange-rates/:currency/:period`: one month's rate of one currency. */
export class ExchangeRateParamsDto {
  @ApiProperty({ example: 'CNY' })
  @IsIsoCurrencyOtherThanUsd('currency')
  currency!: string;

  @ApiProperty({ example: '2026-10', description: 'the invoices’ month, YYYY-MM' })
  @IsString({ message: 'period must be a month, YYYY-MM, from 2000-01' })
  @Matches(MONTH_PATTERN, { message: 'period must be a month, YYYY-MM, from 2000-01' })
  period!: string;
}

/** The body of `PUT /api/settings/exchange-rates/:currency/:period`. */
export class SetExchangeRateDto {
  @ApiProperty({
    example: '7.1234',
    description: 'units of the currency per USD; positive, at most 6 decimals',
  })
  @IsString({ message: 'rate must be a decimal string' })
  @Matches(RATE_PATTERN, { message: 'rate must be a positive decimal with at most 6 places, below 10000000' })
  rate!: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, registerDecorator } from 'class-validator';
import { isIsoCurrency } from '@gateway/common';

export const RATE_PATTERN = /^(?!0+(\.0+)?$)\d{1,7}(\.\d{1,6})?$/;

function IsIsoCurrencyOtherThanUsd(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIsoCurrencyOtherThanUsd',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'exchangeRates.currency must be an ISO 4217 code other than USD, e.g. "CNY"' },
      validator: { validate: (value: unknown) => isIsoCurrency(value) && value !== 'USD' },
    });
}

/** One month's rate: how many units of `currency` one USD buys. */
export class ExchangeRateDto {
  @ApiProperty({ example: '2026-10', description: 'the invoices’ month, YYYY-MM' })
  @IsString({ message: 'exchangeRates.period must be a month, YYYY-MM' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'exchangeRates.period must be a month, YYYY-MM' })
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

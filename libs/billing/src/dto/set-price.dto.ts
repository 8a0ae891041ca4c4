import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { usdToNano } from '@gateway/db';
import { IsOptional, ValidateBy } from 'class-validator';

/** A non-negative USD amount with at most 9 decimal places (whole nano-USD), as a string. */
export const USD_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,9})?$/;

/**
 * $1 a token (or a request) is beyond any real price, and keeps the stored nano-USD rates inside a
 * Postgres bigint and a request's cost inside what the money mirror holds exactly.
 */
export const MAX_PRICE_USD = '1000000';
const MAX_PRICE_NANO = usdToNano(MAX_PRICE_USD);

const IsPriceUsd = (field: string) =>
  ValidateBy({
    name: 'isPriceUsd',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && USD_PATTERN.test(value) && usdToNano(value) <= MAX_PRICE_NANO,
      defaultMessage: () =>
        `${field} must be a USD amount as a string, e.g. "2.5", from 0 to ${MAX_PRICE_USD} (at most 9 decimal places)`,
    },
  });

/** A model's price from now on. Every change adds a row; earlier prices are never rewritten. */
export class SetPriceDto {
  @ApiProperty({ example: '2.5', description: 'USD per 1M prompt tokens that were not cached' })
  @IsPriceUsd('inputPer1M')
  inputPer1M!: string;

  @ApiPropertyOptional({
    example: '1.25',
    description: 'USD per 1M cached prompt tokens (default: inputPer1M)',
  })
  @IsOptional()
  @IsPriceUsd('cachedInputPer1M')
  cachedInputPer1M?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '3.125',
    description:
      "USD per 1M prompt tokens written to the provider's cache (Anthropic's cache_creation_input_tokens); null or left out: inputPer1M",
  })
  @IsOptional()
  @IsPriceUsd('cacheWritePer1M')
  cacheWritePer1M?: string | null;

  @ApiProperty({ example: '10', description: 'USD per 1M completion tokens' })
  @IsPriceUsd('outputPer1M')
  outputPer1M!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '15',
    description: 'USD per 1M reasoning tokens (part of the completion tokens); null or left out: outputPer1M',
  })
  @IsOptional()
  @IsPriceUsd('reasoningPer1M')
  reasoningPer1M?: string | null;

  @ApiPropertyOptional({ example: '0', description: 'USD per request, on top of tokens (default 0)' })
  @IsOptional()
  @IsPriceUsd('perRequest')
  perRequest?: string;
}

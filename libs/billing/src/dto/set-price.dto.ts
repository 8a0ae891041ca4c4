import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

/** A non-negative USD amount with at most 9 decimal places (whole nano-USD), as a string. */
export const USD_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,9})?$/;
const usd = (field: string) => ({
  message: `${field} must be a USD amount as a string, e.g. "2.5" (at most 9 decimal places)`,
});

/** A model's price from now on. Every change adds a row; earlier prices are never rewritten. */
export class SetPriceDto {
  @ApiProperty({ example: '2.5', description: 'USD per 1M prompt tokens that were not cached' })
  @Matches(USD_PATTERN, usd('inputPer1M'))
  inputPer1M!: string;

  @ApiPropertyOptional({
    example: '1.25',
    description: 'USD per 1M cached prompt tokens (default: inputPer1M)',
  })
  @IsOptional()
  @Matches(USD_PATTERN, usd('cachedInputPer1M'))
  cachedInputPer1M?: string;

  @ApiProperty({ example: '10', description: 'USD per 1M completion tokens' })
  @Matches(USD_PATTERN, usd('outputPer1M'))
  outputPer1M!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '15',
    description: 'USD per 1M reasoning tokens (part of the completion tokens); null or left out: outputPer1M',
  })
  @IsOptional()
  @Matches(USD_PATTERN, usd('reasoningPer1M'))
  reasoningPer1M?: string | null;

  @ApiPropertyOptional({ example: '0', description: 'USD per request, on top of tokens (default 0)' })
  @IsOptional()
  @Matches(USD_PATTERN, usd('perRequest'))
  perRequest?: string;
}

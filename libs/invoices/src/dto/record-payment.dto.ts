import { isUsdAmount } from '@gateway/db';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';

/** `POST /api/invoices/:id/payments`: a payment received outside the gateway (a bank transfer). */
export class RecordPaymentDto {
  @ApiProperty({ example: '13.5', description: 'USD, > 0 and at most what is left to pay' })
  @ValidateBy({
    name: 'isPositiveUsd',
    validator: {
      validate: (value: unknown) => isUsdAmount(value) && /[1-9]/.test(value),
      defaultMessage: () =>
        'amountUsd must be a USD amount as a string, greater than 0, with at most 9 decimal places (e.g. "13.5")',
    },
  })
  amountUsd!: string;

  @ApiProperty({ example: 'wire 2026-11-04 #88231', maxLength: 200 })
  @IsString({ message: 'reference must be a string' })
  @Matches(/\S/, { message: 'reference is required: the bank’s or payer’s reference' })
  @MaxLength(200, { message: 'reference must be at most 200 characters' })
  reference!: string;

  @ApiPropertyOptional({ example: '2026-11-04T00:00:00Z', description: 'when it was received; default now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'paidAt must be an ISO 8601 date-time' })
  paidAt?: string;
}

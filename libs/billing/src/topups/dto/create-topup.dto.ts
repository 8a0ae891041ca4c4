import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCreditUsd, MAX_CREDIT_USD } from '../../dto/credit-amount';

export const NOTE_MAX_LENGTH = 500;

/** Money paid in: credits the tenant's balance. */
export class CreateTopupDto {
  @ApiProperty({
    example: '25',
    description: `USD, > 0 and ≤ ${MAX_CREDIT_USD}, at most 9 decimal places`,
  })
  @IsCreditUsd()
  amountUsd!: string;

  @ApiPropertyOptional({ example: 'wire transfer 2026-11-21', maxLength: NOTE_MAX_LENGTH })
  @IsOptional()
  @IsString({ message: 'note must be a string' })
  @MaxLength(NOTE_MAX_LENGTH, { message: `note must be at most ${NOTE_MAX_LENGTH} characters` })
  note?: string;
}

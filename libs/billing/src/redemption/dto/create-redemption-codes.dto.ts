import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { IsCreditUsd, MAX_CREDIT_USD } from '../../dto/credit-amount';
import { NOTE_MAX_LENGTH } from '../../topups/dto/create-topup.dto';

export const MAX_CODES_PER_BATCH = 1000;

const inTheFuture = (value: unknown) => typeof value === 'string' && Date.parse(value) > Date.now();

/** A batch of codes of one value. The codes are in the response, once; only hashes are kept. */
export class CreateRedemptionCodesDto {
  @ApiProperty({ minimum: 1, maximum: MAX_CODES_PER_BATCH, example: 10 })
  @Type(() => Number)
  @IsInt({ message: 'count must be a whole number' })
  @Min(1, { message: `count must be between 1 and ${MAX_CODES_PER_BATCH}` })
  @Max(MAX_CODES_PER_BATCH, { message: `count must be between 1 and ${MAX_CODES_PER_BATCH}` })
  count!: number;

  @ApiProperty({ example: '10', description: `USD each code is worth, > 0 and ≤ ${MAX_CREDIT_USD}` })
  @IsCreditUsd()
  amountUsd!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'after this the codes cannot be redeemed' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  @ValidateBy({
    name: 'isInTheFuture',
    validator: { validate: inTheFuture, defaultMessage: () => 'expiresAt must be in the future' },
  })
  expiresAt?: string;

  @ApiPropertyOptional({ example: 'launch promotion', maxLength: NOTE_MAX_LENGTH })
  @IsOptional()
  @IsString({ message: 'note must be a string' })
  @MaxLength(NOTE_MAX_LENGTH, { message: `note must be at most ${NOTE_MAX_LENGTH} characters` })
  note?: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { IsSignedCreditUsd, MAX_CREDIT_USD } from '../../dto/credit-amount';
import { NOTE_MAX_LENGTH } from './create-topup.dto';

/** An operator's correction, up or down. The note says why: an adjustment without one is unauditable. */
export class CreateAdjustmentDto {
  @ApiProperty({
    example: '-1.5',
    description: `USD, non-zero, negative to take money back; |amount| ≤ ${MAX_CREDIT_USD}, at most 9 decimal places`,
  })
  @IsSignedCreditUsd()
  amountUsd!: string;

  @ApiProperty({ example: 'refund of a duplicated top-up', maxLength: NOTE_MAX_LENGTH })
  @IsString({ message: 'note must be a string' })
  @Matches(/\S/, { message: 'note is required: say why the balance is adjusted' })
  @MaxLength(NOTE_MAX_LENGTH, { message: `note must be at most ${NOTE_MAX_LENGTH} characters` })
  note!: string;
}

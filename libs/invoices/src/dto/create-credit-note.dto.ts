import { isUsdAmount } from '@gateway/db';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';

export const CREDIT_REASON_MAX_LENGTH = 300;

/** `POST /api/invoices/:id/credit-note`: correct an issued invoice (it is never edited). */
export class CreateCreditNoteDto {
  @ApiProperty({ example: 'usage double-counted on 3 October', maxLength: CREDIT_REASON_MAX_LENGTH })
  @IsString({ message: 'reason must be a string' })
  @Matches(/\S/, { message: 'reason is required: say why the invoice is corrected' })
  @MaxLength(CREDIT_REASON_MAX_LENGTH, {
    message: `reason must be at most ${CREDIT_REASON_MAX_LENGTH} characters`,
  })
  reason!: string;

  @ApiPropertyOptional({
    example: '1.5',
    description:
      'USD before tax, > 0 and at most what the invoice still allows: its subtotal less credit notes, and once anything is paid no more than is unpaid; missing: all of it',
  })
  @IsOptional()
  @ValidateBy({
    name: 'isPositiveUsd',
    validator: {
      validate: (value: unknown) => isUsdAmount(value) && /[1-9]/.test(value),
      defaultMessage: () =>
        'amountUsd must be a USD amount as a string, greater than 0, with at most 9 decimal places (e.g. "1.5")',
    },
  })
  amountUsd?: string;
}

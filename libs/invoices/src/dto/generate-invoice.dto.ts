import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { PERIOD_PATTERN } from '../generation/invoice-period';

/** `POST /api/invoices/generate`: issue a closed period's invoice now rather than at the hourly close. */
export class GenerateInvoiceDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'required for a super admin; others: their own tenant',
  })
  @IsOptional()
  @IsUUID(undefined, { message: 'tenantId must be a UUID' })
  tenantId?: string;

  @ApiProperty({
    example: '2026-10',
    description: 'a closed calendar month in the tenant’s time zone, "YYYY-MM"',
  })
  @IsString({ message: 'period must be a string "YYYY-MM"' })
  @Matches(PERIOD_PATTERN, { message: 'period must be a month as "YYYY-MM", e.g. "2026-10"' })
  period!: string;
}

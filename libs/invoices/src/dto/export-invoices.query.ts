import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { PERIOD_PATTERN } from '../generation/invoice-period';

/** `GET /api/invoices.csv`: one month's invoices and credit notes for the accountant. */
export class ExportInvoicesQuery {
  @ApiProperty({ example: '2026-10', description: 'a calendar month, "YYYY-MM"' })
  @Matches(PERIOD_PATTERN, { message: 'period must be a month as "YYYY-MM", e.g. "2026-10"' })
  period!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'super admin: one tenant; others: their own only' })
  @IsOptional()
  @IsUUID(undefined, { message: 'tenantId must be a UUID' })
  tenantId?: string;
}

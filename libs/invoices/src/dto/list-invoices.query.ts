import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from '@gateway/common/http';
import { INVOICE_KINDS, InvoiceKind } from '../entities/invoice.entity';
import { PERIOD_PATTERN } from '../generation/invoice-period';

/** `GET /api/invoices`: newest first; a tenant's users see only their own tenant's. */
export class ListInvoicesQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'super admin: one tenant; others: their own only' })
  @IsOptional()
  @IsUUID(undefined, { message: 'tenantId must be a UUID' })
  tenantId?: string;

  @ApiPropertyOptional({ example: '2026-10', description: 'a calendar month, "YYYY-MM"' })
  @IsOptional()
  @Matches(PERIOD_PATTERN, { message: 'period must be a month as "YYYY-MM", e.g. "2026-10"' })
  period?: string;

  @ApiPropertyOptional({ enum: INVOICE_KINDS })
  @IsOptional()
  @IsIn(INVOICE_KINDS, { message: `kind must be one of ${INVOICE_KINDS.join(', ')}` })
  kind?: InvoiceKind;
}

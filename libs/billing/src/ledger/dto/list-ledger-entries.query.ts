import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { PageQuery } from '@gateway/common/http';
import { LEDGER_KINDS, LedgerKind } from '../../entities/ledger-entry.entity';

/** `GET /api/tenants/:id/ledger`: a page of lines, newest first, optionally of one kind and period. */
export class ListLedgerEntriesQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'written at or after (inclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'written before (exclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;

  @ApiPropertyOptional({ enum: LEDGER_KINDS })
  @IsOptional()
  @IsIn(LEDGER_KINDS, { message: `kind must be one of ${LEDGER_KINDS.join(', ')}` })
  kind?: LedgerKind;
}

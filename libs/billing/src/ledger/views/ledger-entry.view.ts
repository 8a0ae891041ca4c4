import { nanoToUsd } from '@gateway/db';
import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import { LEDGER_KINDS, LedgerEntry, LedgerKind } from '../../entities/ledger-entry.entity';

/** The audit log's entityType of a ledger line. */
export const LEDGER_ENTRY_AUDIT_TYPE = 'ledger_entry';

/** One ledger line as /api shows it; money as decimal USD strings. */
export class LedgerEntryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ enum: LEDGER_KINDS }) kind!: LedgerKind;
  @ApiProperty({ example: '25', description: 'signed: credits positive, usage debits negative' })
  amountUsd!: string;
  @ApiProperty({ example: '125.5', description: 'the tenant’s balance right after this line' })
  balanceAfterUsd!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '3',
    description: 'position among the tenant’s credit-side lines (1, 2, …); null for usage debits',
  })
  creditSeq!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'what the line is about: the request id of a usage debit, the redemption code’s id, …',
  })
  ref!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'the user who wrote it' })
  createdBy!: string | null;
  @ApiProperty() createdAt!: string;

  static of(entry: LedgerEntry): LedgerEntryView {
    return {
      id: entry.id,
      tenantId: entry.tenantId,
      kind: entry.kind,
      amountUsd: nanoToUsd(entry.amountNano),
      balanceAfterUsd: nanoToUsd(entry.balanceAfterNano),
      creditSeq: entry.creditSeq === null ? null : entry.creditSeq.toString(),
      ref: entry.ref,
      note: entry.note,
      createdBy: entry.createdBy,
      createdAt: entry.createdAt.toISOString(),
    };
  }
}

export class LedgerPageView extends PageOf(LedgerEntryView) {}

import { nanoToUsd } from '@gateway/db';
import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import type { RedemptionCode } from '../../entities/redemption-code.entity';
import { REDEMPTION_CODE_STATUSES, RedemptionCodeStatus } from '../dto/list-redemption-codes.query';

export function redemptionCodeStatus(code: RedemptionCode, now = new Date()): RedemptionCodeStatus {
  if (code.redeemedAt) return 'redeemed';
  if (code.disabledAt) return 'disabled';
  return code.expiresAt && code.expiresAt <= now ? 'expired' : 'unused';
}

/** A code as lists show it: masked. The code itself is only ever in the creating response. */
export class RedemptionCodeView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) batchId!: string;
  @ApiProperty({ example: 'K7Q2…9XZA', description: 'first and last characters of the code' })
  maskedCode!: string;
  @ApiProperty({ example: '10' }) amountUsd!: string;
  @ApiProperty({ enum: REDEMPTION_CODE_STATUSES }) status!: RedemptionCodeStatus;
  @ApiProperty({ type: String, nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) createdBy!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) redeemedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) redeemedTenantId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) redeemedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'the redemption ledger line' })
  ledgerEntryId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'when it was disabled (never redeemable after)' })
  disabledAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) disabledBy!: string | null;

  static of(code: RedemptionCode): RedemptionCodeView {
    return {
      id: code.id,
      batchId: code.batchId,
      maskedCode: code.hint,
      amountUsd: nanoToUsd(code.amountNano),
      status: redemptionCodeStatus(code),
      expiresAt: code.expiresAt?.toISOString() ?? null,
      note: code.note,
      createdBy: code.createdBy,
      createdAt: code.createdAt.toISOString(),
      redeemedAt: code.redeemedAt?.toISOString() ?? null,
      redeemedTenantId: code.redeemedTenantId,
      redeemedBy: code.redeemedBy,
      ledgerEntryId: code.ledgerEntryId,
      disabledAt: code.disabledAt?.toISOString() ?? null,
      disabledBy: code.disabledBy,
    };
  }
}

export class RedemptionCodePageView extends PageOf(RedemptionCodeView) {}

export class CreatedRedemptionCodeView extends RedemptionCodeView {
  @ApiProperty({
    example: 'K7Q2-M9XD-4HRT-0WVB-PJ3N-8SZE-9XZA',
    description: 'the code itself: shown in this response only, never again',
  })
  code!: string;
}

export class CreatedRedemptionCodesView {
  @ApiProperty({ format: 'uuid' }) batchId!: string;
  @ApiProperty({ type: [CreatedRedemptionCodeView] }) items!: CreatedRedemptionCodeView[];
}

/** A batch disabled: its unredeemed codes now are; the redeemed ones stay redeemed. */
export class DisabledRedemptionBatchView {
  @ApiProperty({ format: 'uuid' }) batchId!: string;
  @ApiProperty({ description: 'codes this request disabled (0 when all already were)' }) disabled!: number;
  @ApiProperty({ description: 'codes of the batch already redeemed, left as they are' }) redeemed!: number;
}

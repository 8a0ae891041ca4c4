import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '@gateway/common/http';

export const REDEMPTION_CODE_STATUSES = ['unused', 'redeemed', 'expired', 'disabled'] as const;
export type RedemptionCodeStatus = (typeof REDEMPTION_CODE_STATUSES)[number];

export class ListRedemptionCodesQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: REDEMPTION_CODE_STATUSES,
    description:
      'unused: redeemable now; expired: never redeemed and past expiresAt; disabled: revoked before redeemed',
  })
  @IsOptional()
  @IsIn(REDEMPTION_CODE_STATUSES, { message: 'status must be unused, redeemed, expired or disabled' })
  status?: RedemptionCodeStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'the codes of one batch' })
  @IsOptional()
  @IsUUID('all', { message: 'batchId must be a UUID' })
  batchId?: string;
}

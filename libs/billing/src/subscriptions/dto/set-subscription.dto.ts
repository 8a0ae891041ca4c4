import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { MAX_ANCHOR_DAY, MIN_ANCHOR_DAY } from '../period-containing';

export class SetSubscriptionDto {
  @ApiProperty({ format: 'uuid', description: 'an active plan' })
  @IsUUID(undefined, { message: 'planId must be the id (UUID) of an active plan' })
  planId!: string;

  @ApiPropertyOptional({
    minimum: MIN_ANCHOR_DAY,
    maximum: MAX_ANCHOR_DAY,
    default: 1,
    description:
      'day of the month the cycle starts on (clamped to short months); only used when the tenant has no subscription yet — a switch keeps the current cycle',
  })
  @IsOptional()
  @IsInt({ message: `anchorDay must be a whole number from ${MIN_ANCHOR_DAY} to ${MAX_ANCHOR_DAY}` })
  @Min(MIN_ANCHOR_DAY, {
    message: `anchorDay must be a whole number from ${MIN_ANCHOR_DAY} to ${MAX_ANCHOR_DAY}`,
  })
  @Max(MAX_ANCHOR_DAY, {
    message: `anchorDay must be a whole number from ${MIN_ANCHOR_DAY} to ${MAX_ANCHOR_DAY}`,
  })
  anchorDay?: number;
}

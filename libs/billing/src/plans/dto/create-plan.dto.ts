import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PLAN_STATUSES, PlanStatus } from '../../entities/plan.entity';
import { PlanLimitsDto } from './plan-limits.dto';
import { IsPlanUsd, MAX_PLAN_USD } from './plan-usd';

export const PLAN_NAME_MAX_LENGTH = 100;

export class CreatePlanDto {
  @ApiProperty({ example: 'Pro', maxLength: PLAN_NAME_MAX_LENGTH })
  @IsString({ message: 'name must be a string' })
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(PLAN_NAME_MAX_LENGTH, { message: `name must be at most ${PLAN_NAME_MAX_LENGTH} characters` })
  name!: string;

  @ApiProperty({ example: '20', description: `monthly fee in USD, 0 to ${MAX_PLAN_USD}` })
  @IsPlanUsd()
  priceUsd!: string;

  @ApiPropertyOptional({ type: PlanLimitsDto, description: 'monthly limits; missing = all unlimited' })
  @IsOptional()
  @IsObject({ message: 'limits must be an object' })
  @ValidateNested()
  @Type(() => PlanLimitsDto)
  limits?: PlanLimitsDto;

  @ApiPropertyOptional({
    example: '5',
    default: '0',
    description: 'usage cost covered each period before the prepaid balance is used',
  })
  @IsOptional()
  @IsPlanUsd()
  includedUsd?: string;

  @ApiPropertyOptional({ enum: PLAN_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(PLAN_STATUSES, { message: `status must be one of ${PLAN_STATUSES.join(', ')}` })
  status?: PlanStatus;
}

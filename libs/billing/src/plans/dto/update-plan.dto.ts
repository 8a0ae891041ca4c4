import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { OptionalButNotNull } from '@gateway/common/http';
import { PLAN_STATUSES, PlanStatus } from '../../entities/plan.entity';
import { PLAN_NAME_MAX_LENGTH } from './create-plan.dto';
import { PlanLimitsDto } from './plan-limits.dto';
import { IsPlanUsd, MAX_PLAN_USD } from './plan-usd';

/**
 * Fields left out stay as they are. In `limits`, a field left out is unchanged and a null makes it
 * unlimited. A change applies to every subscriber at once (their current period included).
 */
export class UpdatePlanDto {
  @ApiPropertyOptional({ example: 'Pro', maxLength: PLAN_NAME_MAX_LENGTH })
  @OptionalButNotNull()
  @IsString({ message: 'name must be a string' })
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(PLAN_NAME_MAX_LENGTH, { message: `name must be at most ${PLAN_NAME_MAX_LENGTH} characters` })
  name?: string;

  @ApiPropertyOptional({ example: '20', description: `monthly fee in USD, 0 to ${MAX_PLAN_USD}` })
  @OptionalButNotNull()
  @IsPlanUsd()
  priceUsd?: string;

  @ApiPropertyOptional({ type: PlanLimitsDto })
  @OptionalButNotNull()
  @IsObject({ message: 'limits must be an object' })
  @ValidateNested()
  @Type(() => PlanLimitsDto)
  limits?: PlanLimitsDto;

  @ApiPropertyOptional({ example: '5' })
  @OptionalButNotNull()
  @IsPlanUsd()
  includedUsd?: string;

  @ApiPropertyOptional({
    enum: PLAN_STATUSES,
    description: 'archived: existing subscribers keep it; nobody new can choose it',
  })
  @OptionalButNotNull()
  @IsIn(PLAN_STATUSES, { message: `status must be one of ${PLAN_STATUSES.join(', ')}` })
  status?: PlanStatus;
}

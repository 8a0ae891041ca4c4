import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsPlanUsd, MAX_PLAN_USD } from './plan-usd';

const count = (field: string) => ({
  message: `${field} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, or null for unlimited`,
});

/** Monthly limits; a missing or null field is unlimited (in a PATCH: missing = unchanged, null = unlimited). */
export class PlanLimitsDto {
  @ApiPropertyOptional({ type: Number, nullable: true, example: 100000, description: 'requests per period' })
  @IsOptional()
  @IsInt(count('requests'))
  @Min(0, count('requests'))
  @Max(Number.MAX_SAFE_INTEGER, count('requests'))
  requests?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 50000000,
    description: 'input tokens per period',
  })
  @IsOptional()
  @IsInt(count('inputTokens'))
  @Min(0, count('inputTokens'))
  @Max(Number.MAX_SAFE_INTEGER, count('inputTokens'))
  inputTokens?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 10000000,
    description: 'output tokens per period',
  })
  @IsOptional()
  @IsInt(count('outputTokens'))
  @Min(0, count('outputTokens'))
  @Max(Number.MAX_SAFE_INTEGER, count('outputTokens'))
  outputTokens?: number | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '100',
    description: `USD spend per period, 0 to ${MAX_PLAN_USD}`,
  })
  @IsOptional()
  @IsPlanUsd()
  spendUsd?: string | null;
}

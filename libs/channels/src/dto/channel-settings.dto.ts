import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { HEALTH_CHECKS, HealthCheck } from '../probe/probe-request';

/** Type-specific settings; unknown keys are refused so typos don't silently do nothing. */
export class ChannelSettingsDto {
  @ApiPropertyOptional({
    description: 'azure-openai: the api-version query parameter (default 2024-10-21)',
    example: '2024-10-21',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}(-preview)?$/, {
    message: 'settings.apiVersion must look like 2024-10-21 or 2025-01-01-preview',
  })
  apiVersion?: string;

  @ApiPropertyOptional({
    enum: HEALTH_CHECKS,
    description:
      'what the scheduled health probe sends: `models` lists models (no tokens; the default, except for azure-openai), `completion` a 1-token chat — for servers whose model list needs no key',
  })
  @IsOptional()
  @IsIn(HEALTH_CHECKS, { message: `settings.healthCheck must be one of ${HEALTH_CHECKS.join(', ')}` })
  healthCheck?: HealthCheck;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { OUTPUT_TOKENS_FIELDS, type OutputTokensField } from '@gateway/providers';
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
    description: 'anthropic: the anthropic-version header (default 2023-06-01)',
    example: '2023-06-01',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'settings.anthropicVersion must look like 2023-06-01' })
  anthropicVersion?: string;

  @ApiPropertyOptional({
    enum: OUTPUT_TOKENS_FIELDS,
    description:
      'openai, azure-openai: the field that carries the output ceiling upstream. Left out: `max_completion_tokens` for upstream models named like OpenAI reasoning models (o1, o3, gpt-5…), else `max_tokens` — set it for an Azure deployment whose name does not say which model it runs',
  })
  @IsOptional()
  @IsIn(OUTPUT_TOKENS_FIELDS, {
    message: `settings.maxTokensField must be one of ${OUTPUT_TOKENS_FIELDS.join(', ')}`,
  })
  maxTokensField?: OutputTokensField;

  @ApiPropertyOptional({
    enum: HEALTH_CHECKS,
    description:
      'what the scheduled health probe sends: `models` lists models (no tokens; the default, except for azure-openai), `completion` a 1-token chat — for servers whose model list needs no key',
  })
  @IsOptional()
  @IsIn(HEALTH_CHECKS, { message: `settings.healthCheck must be one of ${HEALTH_CHECKS.join(', ')}` })
  healthCheck?: HealthCheck;
}

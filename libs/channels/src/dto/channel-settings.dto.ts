import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

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
}

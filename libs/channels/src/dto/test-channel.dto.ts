import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { MODEL_NAME_PATTERN } from './channel-validators';

export class TestChannelDto {
  @ApiPropertyOptional({
    description: 'one of the channel’s models (default: its first); mapped through modelMapping',
  })
  @IsOptional()
  @IsString()
  @Matches(MODEL_NAME_PATTERN, { message: 'model must be 1-200 characters without whitespace' })
  model?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'default: the highest-priority enabled key' })
  @IsOptional()
  @IsUUID()
  keyId?: string;
}

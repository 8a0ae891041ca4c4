import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { PROVIDER_KEY_PATTERN, PROVIDER_KEY_RULE } from '../keys/provider-key-format';
import { ChannelKeyFieldsDto } from './channel-key-fields.dto';

/**
 * Any field; `key` replaces the secret (re-encrypted, health and cooldowns reset). A null limit
 * removes it.
 */
export class UpdateChannelKeyDto extends ChannelKeyFieldsDto {
  @ApiPropertyOptional({ format: 'password', writeOnly: true })
  @IsOptional()
  @IsString()
  @Matches(PROVIDER_KEY_PATTERN, { message: `key ${PROVIDER_KEY_RULE}` })
  key?: string;
}

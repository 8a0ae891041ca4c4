import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsString,
  Matches,
  ValidateBy,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { isProviderKey, PROVIDER_KEY_PATTERN, PROVIDER_KEY_RULE } from '../keys/provider-key-format';
import { ChannelKeyFieldsDto } from './channel-key-fields.dto';

export const MAX_KEYS_PER_REQUEST = 500;

/** Positions of the malformed keys in a batch; the keys themselves are never echoed. */
function badKeyPositions(value: unknown): number[] {
  return Array.isArray(value) ? value.flatMap((key, index) => (isProviderKey(key) ? [] : [index])) : [];
}

/**
 * One key (`key`) or many pasted at once (`keys`), with the shared fields applied to each.
 * Exactly one of the two. Neither is ever returned.
 */
export class CreateChannelKeysDto extends ChannelKeyFieldsDto {
  @ApiPropertyOptional({ format: 'password', writeOnly: true, description: 'one key (or use keys)' })
  @ValidateIf((body: CreateChannelKeysDto) => body.keys === undefined || body.key !== undefined)
  @ValidateBy({
    name: 'keyOrKeys',
    validator: {
      validate: (_: unknown, args?: ValidationArguments) =>
        (args?.object as CreateChannelKeysDto).keys === undefined,
      defaultMessage: () => 'send either key or keys, not both',
    },
  })
  @IsString({ message: 'key (or keys) is required' })
  @Matches(PROVIDER_KEY_PATTERN, { message: `key ${PROVIDER_KEY_RULE}` })
  key?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'password',
    writeOnly: true,
    maxItems: MAX_KEYS_PER_REQUEST,
    description: 'many keys at once (or use key)',
  })
  @ValidateIf((body: CreateChannelKeysDto) => body.keys !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_KEYS_PER_REQUEST)
  @ValidateBy({
    name: 'providerKeys',
    validator: {
      validate: (value: unknown) => badKeyPositions(value).length === 0,
      defaultMessage: (args?: ValidationArguments) =>
        `${badKeyPositions(args?.value)
          .slice(0, 20)
          .map((i) => `keys[${i}]`)
          .join(', ')} ${PROVIDER_KEY_RULE}`,
    },
  })
  keys?: string[];
}

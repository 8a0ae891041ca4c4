import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, ValidateIf } from 'class-validator';
import { MODEL_NAME_PATTERN } from './channel-validators';

export class SetDefaultChainDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'free-chat',
    description: 'the chain `model: "auto"` means for the group; null: `auto` is not served',
  })
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @Matches(MODEL_NAME_PATTERN, { message: 'chain must be a chain name (1-200 characters, no whitespace)' })
  chain!: string | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsOptional,
  IsString,
  Matches,
} from 'class-validator';
import { IsNotAuto, MAX_CHAIN_MODELS } from './chain-validators';
import { MODEL_NAME_PATTERN } from './channel-validators';

export class CreateModelChainDto {
  @ApiProperty({ example: 'free-chat', description: 'what clients ask for; not "auto"' })
  @IsString()
  @Matches(MODEL_NAME_PATTERN, { message: 'name must be 1-200 characters without whitespace' })
  @IsNotAuto()
  name!: string;

  @ApiProperty({
    type: [String],
    example: ['meta-llama/llama-3.3-70b-instruct:free', 'gemini-2.0-flash', 'qwen-2.5-72b'],
    description: 'the models to try, in order',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_CHAIN_MODELS)
  @ArrayUnique({ message: 'models must not contain duplicates' })
  @IsString({ each: true })
  @Matches(MODEL_NAME_PATTERN, {
    each: true,
    message: 'each model must be 1-200 characters without whitespace',
  })
  models!: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['gpt-4o-mini'],
    description: 'models whose own candidates, once all exhausted, fall back to this chain',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique({ message: 'fallbackFor must not contain duplicates' })
  @IsString({ each: true })
  @Matches(MODEL_NAME_PATTERN, {
    each: true,
    message: 'each fallbackFor model must be 1-200 characters without whitespace',
  })
  fallbackFor?: string[];
}

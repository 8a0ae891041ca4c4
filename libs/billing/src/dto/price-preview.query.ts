import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

/** Up to 15 digits: far beyond any request, and still exact in bigint math. */
const TOKEN_COUNT = /^(0|[1-9]\d{0,14})$/;
const count = (field: string) => ({ message: `${field} must be a whole number of tokens ≥ 0` });

export class PricePreviewQuery {
  @ApiPropertyOptional({
    example: '1000',
    description: 'all prompt tokens, cached ones included (default 0)',
  })
  @IsOptional()
  @Matches(TOKEN_COUNT, count('promptTokens'))
  promptTokens?: string;

  @ApiPropertyOptional({ example: '500', description: 'default 0' })
  @IsOptional()
  @Matches(TOKEN_COUNT, count('completionTokens'))
  completionTokens?: string;

  @ApiPropertyOptional({ example: '200', description: 'the cached part of promptTokens (default 0)' })
  @IsOptional()
  @Matches(TOKEN_COUNT, count('cachedTokens'))
  cachedTokens?: string;

  @ApiPropertyOptional({
    example: '0',
    description:
      "the part of promptTokens written to the provider's cache, apart from cachedTokens (default 0)",
  })
  @IsOptional()
  @Matches(TOKEN_COUNT, count('cacheWriteTokens'))
  cacheWriteTokens?: string;

  @ApiPropertyOptional({ example: '100', description: 'the reasoning part of completionTokens (default 0)' })
  @IsOptional()
  @Matches(TOKEN_COUNT, count('reasoningTokens'))
  reasoningTokens?: string;

  @ApiPropertyOptional({
    example: '2',
    description: 'images produced (an /v1/images/* request); bills at the image price for size/quality',
  })
  @IsOptional()
  @Matches(/^(0|[1-9]\d{0,5})$/, { message: 'images must be a whole number of images from 0 to 999999' })
  images?: string;

  @ApiPropertyOptional({ example: '1024x1024', description: "the images' size" })
  @IsOptional()
  @Matches(/^(\d{1,5}x\d{1,5}|auto)$/, { message: 'size must be WIDTHxHEIGHT, e.g. 1024x1024, or auto' })
  size?: string;

  @ApiPropertyOptional({ example: 'hd', description: "the images' quality" })
  @IsOptional()
  @Matches(/^(auto|standard|hd|low|medium|high)$/, {
    message: 'quality must be one of auto, standard, hd, low, medium, high',
  })
  quality?: string;

  @ApiPropertyOptional({
    example: '90',
    description: 'seconds of input audio (a transcription or translation)',
  })
  @IsOptional()
  @Matches(/^(0|[1-9]\d{0,8})$/, { message: 'audioSeconds must be a whole number of seconds ≥ 0' })
  audioSeconds?: string;

  @ApiPropertyOptional({ example: '1200', description: 'input characters of a speech request' })
  @IsOptional()
  @Matches(/^(0|[1-9]\d{0,11})$/, { message: 'characters must be a whole number of characters ≥ 0' })
  characters?: string;
}

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
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { usdToNano } from '@gateway/db';
import { IsOptional, ValidateBy } from 'class-validator';

/** A non-negative USD amount with at most 9 decimal places (whole nano-USD), as a string. */
export const USD_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,9})?$/;

/**
 * $1 a token (or a request) is beyond any real price, and keeps the stored nano-USD rates inside a
 * Postgres bigint and a request's cost inside what the money mirror holds exactly.
 */
export const MAX_PRICE_USD = '1000000';
const MAX_PRICE_NANO = usdToNano(MAX_PRICE_USD);

const IsPriceUsd = (field: string) =>
  ValidateBy({
    name: 'isPriceUsd',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && USD_PATTERN.test(value) && usdToNano(value) <= MAX_PRICE_NANO,
      defaultMessage: () =>
        `${field} must be a USD amount as a string, e.g. "2.5", from 0 to ${MAX_PRICE_USD} (at most 9 decimal places)`,
    },
  });

/** `1024x1024`, `auto`, optionally with a quality: `1024x1024/hd`, `1536x1024/high`. */
export const IMAGE_SIZE_KEY = /^(\d{1,5}x\d{1,5}|auto)(\/(auto|standard|hd|low|medium|high))?$/;
const MAX_IMAGE_SIZES = 32;

const IsImageSizePrices = () =>
  ValidateBy({
    name: 'isImageSizePrices',
    validator: {
      validate: (value: unknown) => {
        if (value === null) return true;
        if (typeof value !== 'object' || Array.isArray(value)) return false;
        const entries = Object.entries(value as Record<string, unknown>);
        return (
          entries.length <= MAX_IMAGE_SIZES &&
          entries.every(
            ([size, usd]) =>
              IMAGE_SIZE_KEY.test(size) &&
              typeof usd === 'string' &&
              USD_PATTERN.test(usd) &&
              usdToNano(usd) <= MAX_PRICE_NANO,
          )
        );
      },
      defaultMessage: () =>
        `perImageBySize must map up to ${MAX_IMAGE_SIZES} sizes ("1024x1024", or with a quality: "1024x1024/hd") to USD amounts as strings, e.g. {"1024x1024": "0.04"}`,
    },
  });

/** A model's price from now on. Every change adds a row; earlier prices are never rewritten. */
export class SetPriceDto {
  @ApiProperty({ example: '2.5', description: 'USD per 1M prompt tokens that were not cached' })
  @IsPriceUsd('inputPer1M')
  inputPer1M!: string;

  @ApiPropertyOptional({
    example: '1.25',
    description: 'USD per 1M cached prompt tokens (default: inputPer1M)',
  })
  @IsOptional()
  @IsPriceUsd('cachedInputPer1M')
  cachedInputPer1M?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '3.125',
    description:
      "USD per 1M prompt tokens written to the provider's cache (Anthropic's cache_creation_input_tokens); null or left out: inputPer1M",
  })
  @IsOptional()
  @IsPriceUsd('cacheWritePer1M')
  cacheWritePer1M?: string | null;

  @ApiProperty({ example: '10', description: 'USD per 1M completion tokens' })
  @IsPriceUsd('outputPer1M')
  outputPer1M!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '15',
    description: 'USD per 1M reasoning tokens (part of the completion tokens); null or left out: outputPer1M',
  })
  @IsOptional()
  @IsPriceUsd('reasoningPer1M')
  reasoningPer1M?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '0.04',
    description: 'USD per image on /v1/images/*; null or left out: images are not priced per image',
  })
  @IsOptional()
  @IsPriceUsd('perImage')
  perImage?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    example: { '1024x1024': '0.04', '1024x1792': '0.08', '1024x1024/hd': '0.08' },
    description:
      'USD per image by size, or by size and quality ("1024x1024/hd"); overrides perImage for the sizes it names',
  })
  @IsOptional()
  @IsImageSizePrices()
  perImageBySize?: Record<string, string> | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '0.0001',
    description: 'USD per second of input audio on /v1/audio/transcriptions and /translations',
  })
  @IsOptional()
  @IsPriceUsd('perAudioSecond')
  perAudioSecond?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '15',
    description: 'USD per 1M input characters on /v1/audio/speech',
  })
  @IsOptional()
  @IsPriceUsd('charactersPer1M')
  charactersPer1M?: string | null;

  @ApiPropertyOptional({ example: '0', description: 'USD per request, on top of tokens (default 0)' })
  @IsOptional()
  @IsPriceUsd('perRequest')
  perRequest?: string;
}

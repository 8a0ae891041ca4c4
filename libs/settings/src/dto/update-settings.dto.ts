import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { OptionalButNotNull } from '@gateway/common/http';
import { ExchangeRateDto, MAX_EXCHANGE_RATES } from './exchange-rate.dto';
import { IssuerSettingsDto } from './issuer-settings.dto';
import { SmtpSettingsDto } from './smtp-settings.dto';

/** The settings to change; a field left out keeps its value. */
export class UpdateSettingsDto {
  @ApiPropertyOptional({ maxLength: 100, example: 'Acme AI Gateway' })
  @OptionalButNotNull()
  @IsString({ message: 'siteName must be a string' })
  @Matches(/\S/, { message: 'siteName must not be blank' })
  @MaxLength(100, { message: 'siteName must be at most 100 characters' })
  siteName?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'https://ai.example.com',
    description: 'null clears it',
  })
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'siteUrl must be an http(s) URL' },
  )
  @MaxLength(500, { message: 'siteUrl must be at most 500 characters' })
  siteUrl?: string | null;

  @ApiPropertyOptional({ description: 'whether anyone may sign up (a new tenant of their own)' })
  @OptionalButNotNull()
  @IsBoolean({ message: 'registrationOpen must be true or false' })
  registrationOpen?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 20, example: 5 })
  @OptionalButNotNull()
  @IsInt({ message: 'relayMaxAttempts must be a whole number' })
  @Min(1, { message: 'relayMaxAttempts must be at least 1' })
  @Max(20, { message: 'relayMaxAttempts must be at most 20' })
  relayMaxAttempts?: number;

  @ApiPropertyOptional({ type: [Number], example: [408, 429, 500, 502, 503, 504] })
  @OptionalButNotNull()
  @ArrayMinSize(0)
  @ArrayMaxSize(200, { message: 'relayRetryStatuses must list at most 200 statuses' })
  @IsInt({ each: true, message: 'relayRetryStatuses must be HTTP statuses from 400 to 599' })
  @Min(400, { each: true, message: 'relayRetryStatuses must be HTTP statuses from 400 to 599' })
  @Max(599, { each: true, message: 'relayRetryStatuses must be HTTP statuses from 400 to 599' })
  relayRetryStatuses?: number[];

  @ApiPropertyOptional({ minimum: 100, maximum: 3_600_000, example: 5000 })
  @OptionalButNotNull()
  @IsInt({ message: 'relayCooldownBaseMs must be a whole number of milliseconds' })
  @Min(100, { message: 'relayCooldownBaseMs must be at least 100' })
  @Max(3_600_000, { message: 'relayCooldownBaseMs must be at most 3600000 (an hour)' })
  relayCooldownBaseMs?: number;

  @ApiPropertyOptional({ minimum: 1000, maximum: 86_400_000, example: 300000 })
  @OptionalButNotNull()
  @IsInt({ message: 'relayCooldownMaxMs must be a whole number of milliseconds' })
  @Min(1000, { message: 'relayCooldownMaxMs must be at least 1000' })
  @Max(86_400_000, { message: 'relayCooldownMaxMs must be at most 86400000 (a day)' })
  relayCooldownMaxMs?: number;

  @ApiPropertyOptional({
    type: IssuerSettingsDto,
    nullable: true,
    description: 'the invoices’ issuer; fields left out keep their values; null removes it',
  })
  @IsOptional()
  @IsObject({ message: 'issuer must be an object' })
  @ValidateNested()
  @Type(() => IssuerSettingsDto)
  issuer?: IssuerSettingsDto | null;

  @ApiPropertyOptional({
    type: SmtpSettingsDto,
    nullable: true,
    description: 'the SMTP server invoices are mailed through; null stops mailing',
  })
  @IsOptional()
  @IsObject({ message: 'smtp must be an object' })
  @ValidateNested()
  @Type(() => SmtpSettingsDto)
  smtp?: SmtpSettingsDto | null;

  @ApiPropertyOptional({
    type: [ExchangeRateDto],
    description: 'every monthly rate (replaces the list); one per month and currency',
  })
  @OptionalButNotNull()
  @IsArray({ message: 'exchangeRates must be a list' })
  @ArrayMaxSize(MAX_EXCHANGE_RATES, {
    message: `exchangeRates must list at most ${MAX_EXCHANGE_RATES} rates`,
  })
  @ValidateNested({ each: true })
  @Type(() => ExchangeRateDto)
  exchangeRates?: ExchangeRateDto[];
}

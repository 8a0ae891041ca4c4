import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { OptionalButNotNull } from '@gateway/common/http';

/** A PNG or JPEG as a data: URL; at most ~150 KB of image. */
export const LOGO_PATTERN = /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/]+={0,2}$/;
export const LOGO_MAX_LENGTH = 200_000;

/** The invoice issuer; a field left out keeps its value, `null` clears an optional one. */
export class IssuerSettingsDto {
  @ApiProperty({ maxLength: 200, example: 'Acme AI Ltd.' })
  @OptionalButNotNull()
  @IsString({ message: 'issuer.legalName must be a string' })
  @Matches(/\S/, { message: 'issuer.legalName must not be blank' })
  @MaxLength(200, { message: 'issuer.legalName must be at most 200 characters' })
  legalName?: string;

  @ApiProperty({ maxLength: 1000, example: '1 Market St\nSan Francisco, CA 94105\nUSA' })
  @OptionalButNotNull()
  @IsString({ message: 'issuer.address must be a string' })
  @Matches(/\S/, { message: 'issuer.address must not be blank' })
  @MaxLength(1000, { message: 'issuer.address must be at most 1000 characters' })
  address?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64, example: 'US12-3456789' })
  @IsOptional()
  @IsString({ message: 'issuer.taxId must be a string' })
  @MaxLength(64, { message: 'issuer.taxId must be at most 64 characters' })
  taxId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'email' })
  @IsOptional()
  @IsEmail({}, { message: 'issuer.email must be an email address' })
  @MaxLength(320, { message: 'issuer.email must be at most 320 characters' })
  email?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 2000,
    example: 'IBAN DE89 3704 0044 0532 0130 00',
  })
  @IsOptional()
  @IsString({ message: 'issuer.paymentInstructions must be a string' })
  @MaxLength(2000, { message: 'issuer.paymentInstructions must be at most 2000 characters' })
  paymentInstructions?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1000 })
  @IsOptional()
  @IsString({ message: 'issuer.footer must be a string' })
  @MaxLength(1000, { message: 'issuer.footer must be at most 1000 characters' })
  footer?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 40,
    example: 'VAT',
    description: 'the tax’s name on invoices',
  })
  @IsOptional()
  @IsString({ message: 'issuer.taxLabel must be a string' })
  @MaxLength(40, { message: 'issuer.taxLabel must be at most 40 characters' })
  taxLabel?: string | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 365, example: 30, description: 'days from issue to due date' })
  @OptionalButNotNull()
  @IsInt({ message: 'issuer.paymentTermsDays must be a whole number of days' })
  @Min(0, { message: 'issuer.paymentTermsDays must be at least 0' })
  @Max(365, { message: 'issuer.paymentTermsDays must be at most 365' })
  paymentTermsDays?: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'a PNG or JPEG as a data: URL (at most 200000 characters); null removes it',
  })
  @IsOptional()
  @IsString({ message: 'issuer.logo must be a data: URL of a PNG or JPEG' })
  @MaxLength(LOGO_MAX_LENGTH, { message: `issuer.logo must be at most ${LOGO_MAX_LENGTH} characters` })
  @Matches(LOGO_PATTERN, { message: 'issuer.logo must be a data: URL of a PNG or JPEG' })
  logo?: string | null;
}

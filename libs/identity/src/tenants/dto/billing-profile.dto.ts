import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, registerDecorator } from 'class-validator';
import { isIsoCurrency } from '@gateway/common';
import { OptionalButNotNull } from '@gateway/common/http';
import { INVOICE_LANGUAGES, type InvoiceLanguage } from '../../entities/tenant.entity';

function IsCurrencyCode(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCurrencyCode',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'billingProfile.currency must be an ISO 4217 code such as "USD" or "CNY"' },
      validator: { validate: (value: unknown) => isIsoCurrency(value) },
    });
}

/** Who the tenant's invoices are made out to; a field left out keeps its value, null clears it. */
export class BillingProfileDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, example: '北京示例科技有限公司' })
  @IsOptional()
  @IsString({ message: 'billingProfile.legalName must be a string' })
  @MaxLength(200, { message: 'billingProfile.legalName must be at most 200 characters' })
  legalName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1000 })
  @IsOptional()
  @IsString({ message: 'billingProfile.address must be a string' })
  @MaxLength(1000, { message: 'billingProfile.address must be at most 1000 characters' })
  address?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'CN', description: 'ISO 3166-1 alpha-2' })
  @IsOptional()
  @IsString({ message: 'billingProfile.country must be a two-letter country code' })
  @Matches(/^[A-Za-z]{2}$/, { message: 'billingProfile.country must be a two-letter country code' })
  country?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 64 })
  @IsOptional()
  @IsString({ message: 'billingProfile.taxId must be a string' })
  @MaxLength(64, { message: 'billingProfile.taxId must be at most 64 characters' })
  taxId?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'email',
    description: 'where invoices are mailed; null: the tenant’s billingEmail',
  })
  @IsOptional()
  @IsEmail({}, { message: 'billingProfile.email must be an email address' })
  @MaxLength(320, { message: 'billingProfile.email must be at most 320 characters' })
  email?: string | null;

  @ApiPropertyOptional({ example: 'CNY', default: 'USD', description: 'ISO 4217: the invoices’ currency' })
  @OptionalButNotNull()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ enum: INVOICE_LANGUAGES, default: 'en', description: 'the invoices’ language' })
  @OptionalButNotNull()
  @IsIn(INVOICE_LANGUAGES, {
    message: `billingProfile.language must be one of ${INVOICE_LANGUAGES.join(', ')}`,
  })
  language?: InvoiceLanguage;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { OptionalButNotNull } from '@gateway/common/http';
import type { TenantStatus } from '../../entities/tenant.entity';
import { IsIanaTimeZone } from '../time-zone';
import { BillingProfileDto } from './billing-profile.dto';
import { TENANT_GROUP_PATTERN } from './create-tenant.dto';

/**
 * An owner may change name, timezone, billingEmail and billingProfile (finance only billingProfile);
 * group and status are for a super admin.
 */
export class UpdateTenantDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @OptionalButNotNull()
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ pattern: TENANT_GROUP_PATTERN.source, description: 'super admin only' })
  @OptionalButNotNull()
  @IsString()
  @Matches(TENANT_GROUP_PATTERN, { message: 'group must be 1-64 of a-z, 0-9, "_" or "-"' })
  group?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris' })
  @OptionalButNotNull()
  @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ type: String, format: 'email', nullable: true, description: 'null clears it' })
  @IsOptional()
  @IsEmail({}, { message: 'billingEmail must be an email address' })
  @MaxLength(320)
  billingEmail?: string | null;

  @ApiPropertyOptional({
    enum: ['active', 'disabled'],
    description: 'super admin only; disabling logs every member out',
  })
  @OptionalButNotNull()
  @IsIn(['active', 'disabled'])
  status?: TenantStatus;

  @ApiPropertyOptional({
    type: BillingProfileDto,
    nullable: true,
    description: 'the owner and finance keep it; fields left out keep their values; null clears it',
  })
  @IsOptional()
  @IsObject({ message: 'billingProfile must be an object' })
  @ValidateNested()
  @Type(() => BillingProfileDto)
  billingProfile?: BillingProfileDto | null;
}

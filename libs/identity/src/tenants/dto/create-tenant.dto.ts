import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { OptionalButNotNull } from '@gateway/common/http';
import { IsIanaTimeZone } from '../time-zone';

export const TENANT_GROUP_PATTERN = /^[a-z0-9_-]{1,64}$/;

export class CreateTenantDto {
  @ApiProperty({ maxLength: 200, example: 'Acme Inc.' })
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ pattern: TENANT_GROUP_PATTERN.source, default: 'default' })
  @OptionalButNotNull()
  @IsString()
  @Matches(TENANT_GROUP_PATTERN, { message: 'group must be 1-64 of a-z, 0-9, "_" or "-"' })
  group?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris', default: 'UTC' })
  @OptionalButNotNull()
  @IsIanaTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ type: String, format: 'email', nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'billingEmail must be an email address' })
  @MaxLength(320)
  billingEmail?: string | null;
}

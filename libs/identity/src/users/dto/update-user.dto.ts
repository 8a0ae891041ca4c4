import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { OptionalButNotNull } from '@gateway/common/http';
import { Role } from '../../roles';
import { NewPasswordField } from '../../dto/account-fields';

/** Changing role, password or disabling a user ends its sessions. */
export class UpdateUserDto {
  @ApiPropertyOptional({ enum: Role })
  @OptionalButNotNull()
  @IsEnum(Role, { message: `role must be one of ${Object.values(Role).join(', ')}` })
  role?: Role;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'super admin only: move the user to another tenant (null with role super_admin)',
  })
  @IsOptional()
  @IsUUID(undefined, { message: 'tenantId must be a UUID' })
  tenantId?: string | null;

  @ApiPropertyOptional()
  @OptionalButNotNull()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, description: 'null clears it' })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200)
  name?: string | null;

  @OptionalButNotNull()
  @NewPasswordField({ optional: true })
  password?: string;
}

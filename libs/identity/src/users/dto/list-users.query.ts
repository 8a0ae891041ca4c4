import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '@gateway/common/http';
import { Role } from '../../roles';

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'super admin: one tenant; others: their own only' })
  @IsOptional()
  @IsUUID(undefined, { message: 'tenantId must be a UUID' })
  tenantId?: string;

  @ApiPropertyOptional({ enum: Role })
  @IsOptional()
  @IsEnum(Role, { message: `role must be one of ${Object.values(Role).join(', ')}` })
  role?: Role;
}

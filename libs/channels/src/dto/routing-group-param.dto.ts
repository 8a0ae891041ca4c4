import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { GROUP_PATTERN } from './channel-validators';

/** `:group` of /api/groups/:group/… routing routes: a tenant routing group. */
export class RoutingGroupParamDto {
  @ApiProperty({ example: 'default', pattern: GROUP_PATTERN.source })
  @Matches(GROUP_PATTERN, { message: 'group must be 1-64 of a-z, 0-9, "_" or "-"' })
  group!: string;
}

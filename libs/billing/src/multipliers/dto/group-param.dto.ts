import { GROUP_PATTERN } from '@gateway/channels';
import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** `:group` of /api/groups/:group/…: a tenant routing group, validated like a tenant's `group`. */
export class GroupParamDto {
  @ApiProperty({ example: 'vip', pattern: GROUP_PATTERN.source })
  @Matches(GROUP_PATTERN, { message: 'group must be 1-64 of a-z, 0-9, "_" or "-"' })
  group!: string;
}

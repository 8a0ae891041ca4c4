import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import type { GroupMultiplier } from '../../entities/group-multiplier.entity';
import { DEFAULT_MULTIPLIER, normalizeMultiplier } from '../apply-multiplier';

export class GroupMultiplierView {
  @ApiProperty({ example: 'vip' }) group!: string;
  @ApiProperty({ example: '1.25', description: 'a request of this group costs its price × this' })
  multiplier!: string;
  @ApiProperty({ description: 'true when never set: the default of 1 applies' }) isDefault!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) updatedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) updatedAt!: string | null;

  static of(group: string, row: GroupMultiplier | null): GroupMultiplierView {
    return {
      group,
      multiplier: row ? normalizeMultiplier(row.multiplier) : DEFAULT_MULTIPLIER,
      isDefault: row === null,
      updatedBy: row?.updatedBy ?? null,
      updatedAt: row?.updatedAt.toISOString() ?? null,
    };
  }
}

export class GroupMultiplierListView extends PageOf(GroupMultiplierView) {}

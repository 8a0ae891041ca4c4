import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import {
  type MemberServability,
  UNSERVABLE_REASONS,
  type UnservableReason,
} from '../chains/member-servability';
import type { ModelChain } from '../entities/model-chain.entity';

/** Whether a member is served now, computed from the current channels on every read. */
export class ChainMemberView implements MemberServability {
  @ApiProperty() model!: string;
  @ApiProperty({ description: 'some enabled channel with an enabled key serves it (as a model or an alias)' })
  servable!: boolean;
  @ApiProperty({
    type: [String],
    description: 'the groups it is served to; requests of other groups skip it',
  })
  groups!: string[];
  @ApiProperty({
    enum: UNSERVABLE_REASONS,
    nullable: true,
    description:
      'why it is not servable (null when it is): no channel lists it or its alias, only disabled channels do, or those enabled have no enabled key',
  })
  reason!: UnservableReason | null;
}

export class ModelChainView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String], description: 'tried in this order' }) models!: string[];
  @ApiProperty({ type: [ChainMemberView], description: 'each model with its servability, in order' })
  members!: ChainMemberView[];
  @ApiProperty({ type: [String] }) fallbackFor!: string[];
  @ApiProperty({ type: [String], description: 'groups whose `auto` is this chain' }) defaultFor!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static of(chain: ModelChain, defaultFor: string[], members: ChainMemberView[]): ModelChainView {
    return {
      id: chain.id,
      name: chain.name,
      models: [...chain.models],
      members,
      fallbackFor: [...chain.fallbackFor],
      defaultFor: [...defaultFor].sort(),
      createdAt: chain.createdAt.toISOString(),
      updatedAt: chain.updatedAt.toISOString(),
    };
  }
}

export class ModelChainListView extends PageOf(ModelChainView) {}

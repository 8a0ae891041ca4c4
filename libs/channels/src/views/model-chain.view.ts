import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import type { ModelChain } from '../entities/model-chain.entity';

export class ModelChainView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String], description: 'tried in this order' }) models!: string[];
  @ApiProperty({ type: [String] }) fallbackFor!: string[];
  @ApiProperty({ type: [String], description: 'groups whose `auto` is this chain' }) defaultFor!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;

  static of(chain: ModelChain, defaultFor: string[]): ModelChainView {
    return {
      id: chain.id,
      name: chain.name,
      models: [...chain.models],
      fallbackFor: [...chain.fallbackFor],
      defaultFor: [...defaultFor].sort(),
      createdAt: chain.createdAt.toISOString(),
      updatedAt: chain.updatedAt.toISOString(),
    };
  }
}

export class ModelChainListView extends PageOf(ModelChainView) {}

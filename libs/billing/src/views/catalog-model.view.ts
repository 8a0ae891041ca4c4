import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import { PriceView } from './model-price.view';

/** A model offered by at least one enabled channel the caller may use. */
export class CatalogModelView {
  @ApiProperty({ example: 'gpt-4o', description: 'the name clients send (aliases included)' }) id!: string;
  @ApiProperty({ description: 'enabled channels serving it' }) channels!: number;
  @ApiProperty({ type: [String], example: ['openai'] }) types!: string[];
  @ApiProperty({ type: [String], description: 'groups served (for a tenant: only its own)' })
  groups!: string[];
  @ApiProperty({ type: PriceView, nullable: true }) price!: PriceView | null;
}

export class CatalogListView extends PageOf(CatalogModelView) {}

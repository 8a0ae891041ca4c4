import type { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

/** One page of an /api list: the page's items and how many match in all. */
export interface Page<T> {
  items: T[];
  total: number;
}

/**
 * The documented class of a page of `item`s, to extend: `class ChannelListView extends
 * PageOf(ChannelView) {}`. The subclass keeps its own name, which is the schema's name in the
 * OpenAPI document (and so in the SPA's generated types).
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: [item] }) items!: T[];
    @ApiProperty() total!: number;
  }
  return PageOfItems;
}

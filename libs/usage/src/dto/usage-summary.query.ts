import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { UsageFilterQuery } from './usage-filter.query';

export const USAGE_GROUP_BY = ['model', 'channel', 'tenant', 'token', 'hour', 'day'] as const;
export type UsageGroupBy = (typeof USAGE_GROUP_BY)[number];

/** GET /api/usage/summary: the filters plus what to group by. */
export class UsageSummaryQuery extends UsageFilterQuery {
  @ApiProperty({ enum: USAGE_GROUP_BY, description: '`hour` and `day` are UTC' })
  @IsIn(USAGE_GROUP_BY, { message: `groupBy must be one of ${USAGE_GROUP_BY.join(', ')}` })
  groupBy!: UsageGroupBy;
}

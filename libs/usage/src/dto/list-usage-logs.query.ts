import { IntersectionType } from '@nestjs/swagger';
import { PageQuery } from '@gateway/common/http';
import { UsageFilterQuery } from './usage-filter.query';

/** GET /api/usage/logs: the filters plus `?page&pageSize`. */
export class ListUsageLogsQuery extends IntersectionType(UsageFilterQuery, PageQuery) {}

import { UsageRecord } from './entities/usage-record.entity';
import { UsageDailyRollup } from './rollup/entities/usage-daily-rollup.entity';
import { UsageHourlyRollup } from './rollup/entities/usage-hourly-rollup.entity';
import { UsageRetired } from './rollup/entities/usage-retired.entity';
import { UsageRollupPending } from './rollup/entities/usage-rollup-pending.entity';

export const USAGE_ENTITIES = [
  UsageRecord,
  UsageHourlyRollup,
  UsageDailyRollup,
  UsageRollupPending,
  UsageRetired,
];

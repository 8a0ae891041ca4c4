// How much there is: tenants, users, channels, tokens, models (each links to its page).
import { Card, Flex, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Role } from '../../../auth/roles';
import { ErrorAlert } from '../../../components/error-alert';
import { formatNumber } from '../../../components/formatters';
import { type ResourceCounts, useResourceCounts } from '../api/counts-api';

const PATHS: Record<keyof ResourceCounts, string> = {
  tenants: '/tenants',
  users: '/users',
  channels: '/channels',
  tokens: '/tokens',
  models: '/models',
};

export function ResourceCountCards({ role }: { role: Role }) {
  const { t } = useTranslation();
  const counts = useResourceCounts(role);
  if (counts.isError) return <ErrorAlert error={counts.error} onRetry={() => void counts.refetch()} />;
  const shown = (Object.keys(PATHS) as (keyof ResourceCounts)[]).filter(
    (name) => counts.isPending || counts.data?.[name] !== undefined,
  );
  return (
    <Flex gap={16} wrap>
      {shown.map((name) => (
        <Link to={PATHS[name]} key={name} style={{ flex: '1 1 140px' }}>
          <Card size="small" hoverable>
            <Statistic
              title={t(`dashboard.counts.${name}`)}
              value={counts.data?.[name] === undefined ? '—' : formatNumber(counts.data[name])}
              loading={counts.isPending}
              data-testid={`count-${name}`}
            />
          </Card>
        </Link>
      ))}
    </Flex>
  );
}

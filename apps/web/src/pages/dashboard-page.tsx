// Dashboard: usage over 24 h / 7 d / 30 d (requests, success rate, tokens, spend, latency, TTFT) as
// numbers and charts, split by model / channel / tenant / token; for the platform's operators also
// the gateway's health and how many of everything there is.
import { Col, Flex, Row, Segmented } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { canSee } from '../auth/roles';
import { useCurrentUser } from '../auth/session';
import { ErrorAlert } from '../components/error-alert';
import { PageHeader } from '../components/page-header';
import { ResourceCountCards } from '../features/dashboard/components/resource-counts';
import { type BreakdownDimension, UsageBreakdown } from '../features/dashboard/components/usage-breakdown';
import { UsageCharts } from '../features/dashboard/components/usage-charts';
import { UsageKpis } from '../features/dashboard/components/usage-kpis';
import { StatusPanel } from '../features/status/components/status-panel';
import { useTenantName } from '../features/tenants/api/tenants-api';
import { useTokens } from '../features/tokens/api/tokens-api';
import { useUsageSummary } from '../features/usage/api/usage-api';
import { fillSeries, RANGES, type RangeId, rangeWindow } from '../features/usage/usage-range';

export function DashboardPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const [search, setSearch] = useSearchParams();
  const range: RangeId = (RANGES as readonly string[]).includes(search.get('range') ?? '')
    ? (search.get('range') as RangeId)
    : '24h';
  const isSuperAdmin = user.role === 'super_admin';
  const dimensions: BreakdownDimension[] = isSuperAdmin
    ? ['model', 'channel', 'tenant', 'token']
    : ['model', 'token'];
  const requested = search.get('by') as BreakdownDimension | null;
  const dimension = requested && dimensions.includes(requested) ? requested : 'model';

  // The window moves with the clock only when the range changes, so queries keep a stable key.
  const span = useMemo(() => rangeWindow(range), [range]);
  const filters = { from: span.from, to: span.to };
  const series = useUsageSummary(span.bucket, filters);
  const tenantName = useTenantName(isSuperAdmin);
  const tokens = useTokens(1, 200, undefined, canSee(user.role, 'tokens'));

  const nameOf = (kind: BreakdownDimension, key: string) => {
    if (kind === 'tenant') return tenantName(key);
    if (kind === 'token')
      return tokens.data?.items.find((token) => token.id === key)?.name ?? key.slice(0, 8);
    return key;
  };
  const setParam = (name: string, value: string) =>
    setSearch((current) => {
      const next = new URLSearchParams(current);
      next.set(name, value);
      return next;
    });

  return (
    <>
      <PageHeader
        title={t('nav.dashboard')}
        subtitle={t('dashboard.subtitle')}
        extra={
          <Segmented<RangeId>
            value={range}
            onChange={(value) => setParam('range', value)}
            options={RANGES.map((value) => ({ value, label: t(`dashboard.ranges.${value}`) }))}
            data-testid="dashboard-range"
          />
        }
      />
      <Flex vertical gap={16}>
        {isSuperAdmin ? (
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={8}>
              <StatusPanel />
            </Col>
            <Col xs={24} xl={16}>
              <ResourceCountCards role={user.role} />
            </Col>
          </Row>
        ) : null}
        {series.isError ? (
          <ErrorAlert
            error={series.error}
            title={t('dashboard.usageFailed')}
            onRetry={() => void series.refetch()}
          />
        ) : (
          <>
            <UsageKpis totals={series.data?.totals} loading={series.isPending} />
            <UsageCharts series={fillSeries(span, series.data?.items ?? [])} bucket={span.bucket} />
            <UsageBreakdown
              dimensions={dimensions}
              dimension={dimension}
              onDimensionChange={(value) => setParam('by', value)}
              filters={filters}
              nameOf={nameOf}
            />
          </>
        )}
      </Flex>
    </>
  );
}

// The range split by model, channel, tenant or token: a bar per group and the numbers behind it.
import { Card, Col, Empty, Row, Segmented, Table, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ErrorAlert } from '../../../components/error-alert';
import {
  formatMs,
  formatMsPair,
  formatNumber,
  formatSuccessRate,
  formatUsd,
} from '../../../components/formatters';
import {
  type UsageFilters,
  type UsageGroupBy,
  type UsageSummaryItem,
  useUsageSummary,
} from '../../usage/api/usage-api';
import { tableLoading } from '../../../components/table-loading';

export type BreakdownDimension = Extract<UsageGroupBy, 'model' | 'channel' | 'tenant' | 'token'>;

interface UsageBreakdownProps {
  dimensions: BreakdownDimension[];
  dimension: BreakdownDimension;
  onDimensionChange: (dimension: BreakdownDimension) => void;
  filters: UsageFilters;
  /** names for ids (tenants, tokens) where the page knows them */
  nameOf: (dimension: BreakdownDimension, key: string) => string;
}

export function UsageBreakdown({
  dimensions,
  dimension,
  onDimensionChange,
  filters,
  nameOf,
}: UsageBreakdownProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const summary = useUsageSummary(dimension, filters);
  const label = (item: UsageSummaryItem) =>
    item.key === null ? t('dashboard.noChannel') : (item.label ?? nameOf(dimension, item.key));
  const items = [...(summary.data?.items ?? [])].sort((a, b) => b.requests - a.requests);
  const chart = items
    .slice(0, 10)
    .map((item) => ({ name: label(item), requests: item.requests, errors: item.errors }));

  return (
    <Card
      size="small"
      title={t('dashboard.breakdown.title')}
      extra={
        <Segmented<BreakdownDimension>
          value={dimension}
          onChange={onDimensionChange}
          options={dimensions.map((value) => ({ value, label: t(`dashboard.breakdown.${value}`) }))}
        />
      }
    >
      {summary.isError ? (
        <ErrorAlert error={summary.error} onRetry={() => void summary.refetch()} />
      ) : items.length === 0 && !summary.isPending ? (
        <Empty description={t('dashboard.noUsage')} />
      ) : (
        <Row gutter={16}>
          <Col xs={24} xl={10}>
            <ResponsiveContainer width="100%" height={Math.max(160, chart.length * 32 + 40)}>
              <BarChart data={chart} layout="vertical" margin={{ left: 8, right: 16 }}>
                <CartesianGrid strokeDasharray="3 3" stroke={token.colorBorderSecondary} />
                <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
                <YAxis type="category" dataKey="name" width={140} tick={{ fontSize: 12 }} />
                <Tooltip />
                <Bar
                  dataKey="requests"
                  name={t('dashboard.series.requests')}
                  fill={token.colorPrimary}
                  stackId="r"
                />
              </BarChart>
            </ResponsiveContainer>
          </Col>
          <Col xs={24} xl={14}>
            <Table<UsageSummaryItem>
              size="small"
              rowKey={(item) => item.key ?? '∅'}
              loading={tableLoading(summary)}
              dataSource={items}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              scroll={{ x: 'max-content' }}
              columns={[
                {
                  title: t(`dashboard.breakdown.${dimension}`),
                  key: 'key',
                  render: (_, item) => label(item),
                },
                {
                  title: t('dashboard.series.requests'),
                  key: 'requests',
                  render: (_, item) => formatNumber(item.requests),
                },
                {
                  title: t('dashboard.kpi.successRate'),
                  key: 'success',
                  render: (_, item) => formatSuccessRate(item.requests, item.errors),
                },
                {
                  title: t('dashboard.kpi.tokens'),
                  key: 'tokens',
                  render: (_, item) => formatNumber(item.promptTokens + item.completionTokens),
                },
                {
                  title: t('dashboard.kpi.spend'),
                  key: 'cost',
                  render: (_, item) => formatUsd(item.costUsd),
                },
                {
                  title: t('dashboard.series.p50p95'),
                  key: 'latency',
                  render: (_, item) => formatMsPair(item.p50LatencyMs, item.p95LatencyMs),
                },
                {
                  title: t('dashboard.series.ttft'),
                  key: 'ttft',
                  render: (_, item) => formatMs(item.avgTtftMs),
                },
              ]}
            />
          </Col>
        </Row>
      )}
    </Card>
  );
}

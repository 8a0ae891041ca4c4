// Usage logs: one row per /v1 request, filtered by time, tenant, token, model, channel and status;
// a row opens the request's detail with its failover trail; the same filters export as CSV.
import { DownloadOutlined } from '@ant-design/icons';
import { Button, DatePicker, Flex, Input, Select, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { canSee } from '../auth/roles';
import { useCurrentUser } from '../auth/session';
import { formatDateTime, formatMs, formatNumber, formatUsd } from '../components/formatters';
import { PageHeader } from '../components/page-header';
import { QueryTable } from '../components/query-table';
import { useChannels } from '../features/channels/api/channels-api';
import { TenantSelect } from '../features/tenants/components/tenant-select';
import { useTokens } from '../features/tokens/api/tokens-api';
import { type UsageFilters, type UsageLog, usageCsvUrl, useUsageLogs } from '../features/usage/api/usage-api';
import { StatusCode, UsageLogDrawer } from '../features/usage/components/usage-log-drawer';
import { usePageParams } from '../hooks/use-page-params';

const STATUS_FILTERS = ['success', 'error', '429', '502', '504'] as const;

export function UsageLogsPage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const isSuperAdmin = user.role === 'super_admin';
  const { page, pageSize, search, setFilter, setFilters, pagination } = usePageParams();
  const filters: UsageFilters = {
    from: search.get('from') ?? undefined,
    to: search.get('to') ?? undefined,
    tenantId: search.get('tenantId') ?? undefined,
    tokenId: search.get('tokenId') ?? undefined,
    channelId: search.get('channelId') ?? undefined,
    model: search.get('model') ?? undefined,
    status: search.get('status') ?? undefined,
  };
  const logs = useUsageLogs(page, pageSize, filters);
  const tokens = useTokens(1, 200, undefined, canSee(user.role, 'tokens'));
  const channels = useChannels(1, 200, {}, isSuperAdmin);
  const [open, setOpen] = useState<UsageLog | null>(null);
  const tokenName = (id: string) =>
    tokens.data?.items.find((token) => token.id === id)?.name ?? id.slice(0, 8);

  const columns: ColumnsType<UsageLog> = [
    { title: t('usage.time'), key: 'time', render: (_, log) => formatDateTime(log.startedAt) },
    {
      title: t('usage.model'),
      key: 'model',
      render: (_, log) => (
        <Flex vertical>
          <span>{log.model}</span>
          {log.upstreamModel && log.upstreamModel !== log.model ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              → {log.upstreamModel}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    ...(isSuperAdmin
      ? [
          {
            title: t('usage.channel'),
            key: 'channel',
            render: (_: unknown, log: UsageLog) => log.channelName ?? '—',
          },
        ]
      : []),
    { title: t('usage.token'), key: 'token', render: (_, log) => tokenName(log.tokenId) },
    {
      title: t('usage.tokens'),
      key: 'tokens',
      render: (_, log) =>
        `${formatNumber(log.promptTokens)} / ${formatNumber(log.cachedTokens)} / ${formatNumber(log.completionTokens)}`,
    },
    {
      title: t('usage.billed'),
      key: 'billed',
      render: (_, log) => (
        <span data-testid="usage-billed">
          {t(`usage.units.${log.billedUnit}`, {
            count: log.billedQuantity,
            formatted: formatNumber(log.billedQuantity),
          })}
        </span>
      ),
    },
    { title: t('usage.cost'), key: 'cost', render: (_, log) => formatUsd(log.costUsd) },
    { title: t('usage.latency'), key: 'latency', render: (_, log) => formatMs(log.latencyMs) },
    { title: t('usage.ttft'), key: 'ttft', render: (_, log) => formatMs(log.ttftMs) },
    {
      title: t('usage.status'),
      key: 'status',
      render: (_, log) => (
        <Flex gap={4} align="center">
          <StatusCode status={log.status} />
          {log.fallbacks.length > 0 ? (
            <Typography.Text type="warning" style={{ fontSize: 12 }}>
              {t('usage.fallbacks', { count: log.fallbacks.length })}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.usage')}
        subtitle={t('usage.subtitle')}
        extra={
          <Button icon={<DownloadOutlined />} href={usageCsvUrl(filters)} download data-testid="usage-csv">
            {t('usage.exportCsv')}
          </Button>
        }
      />
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        <DatePicker.RangePicker
          showTime
          value={[filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]}
          onChange={(range) => setFilters({ from: range?.[0]?.toISOString(), to: range?.[1]?.toISOString() })}
          presets={[
            { label: t('dashboard.ranges.24h'), value: [dayjs().subtract(24, 'hour'), dayjs()] },
            { label: t('dashboard.ranges.7d'), value: [dayjs().subtract(7, 'day'), dayjs()] },
            { label: t('dashboard.ranges.30d'), value: [dayjs().subtract(30, 'day'), dayjs()] },
          ]}
        />
        {isSuperAdmin ? (
          <TenantSelect
            allowClear
            placeholder={t('users.tenant')}
            value={filters.tenantId}
            onChange={(value?: string) => setFilter('tenantId', value)}
            style={{ width: 200 }}
          />
        ) : null}
        {canSee(user.role, 'tokens') ? (
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('usage.token')}
            value={filters.tokenId}
            onChange={(value?: string) => setFilter('tokenId', value)}
            options={tokens.data?.items.map((token) => ({ value: token.id, label: token.name }))}
            style={{ width: 200 }}
          />
        ) : null}
        {isSuperAdmin ? (
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('usage.channel')}
            value={filters.channelId}
            onChange={(value?: string) => setFilter('channelId', value)}
            options={channels.data?.items.map((channel) => ({ value: channel.id, label: channel.name }))}
            style={{ width: 200 }}
          />
        ) : null}
        <Input.Search
          allowClear
          placeholder={t('usage.model')}
          defaultValue={filters.model}
          onSearch={(value) => setFilter('model', value || undefined)}
          style={{ width: 200 }}
        />
        <Select
          allowClear
          placeholder={t('usage.status')}
          value={filters.status}
          onChange={(value?: string) => setFilter('status', value)}
          options={STATUS_FILTERS.map((value) => ({ value, label: t(`usage.statusFilter.${value}`) }))}
          style={{ width: 160 }}
        />
      </Flex>
      <QueryTable<UsageLog>
        query={logs}
        pagination={pagination}
        rowKey="requestId"
        columns={columns}
        locale={{ emptyText: t('usage.empty') }}
        onRow={(log) => ({ onClick: () => setOpen(log), style: { cursor: 'pointer' } })}
        data-testid="usage-table"
      />
      <UsageLogDrawer log={open} onClose={() => setOpen(null)} />
    </>
  );
}

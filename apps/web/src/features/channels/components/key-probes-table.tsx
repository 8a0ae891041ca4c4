// A key's health probe history (scheduled, early for a guessed cooldown, or a manual test): when,
// what it found, the upstream's status, how long it took and what the upstream said.
import { Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../components/error-alert';
import { formatDateTime, formatMs } from '../../../components/formatters';
import { tableLoading } from '../../../components/table-loading';
import { usePageState } from '../../../hooks/use-page-state';
import { type KeyProbe, useKeyProbes } from '../api/channels-api';
import { HEALTH_COLOR } from './health-tags';

export function KeyProbesTable({ channelId, keyId }: { channelId: string; keyId: string }) {
  const { t } = useTranslation();
  const paging = usePageState(10, { hideOnSinglePage: true, size: 'small' });
  const probes = useKeyProbes(channelId, keyId, paging.page, paging.pageSize);
  if (probes.isError) return <ErrorAlert error={probes.error} onRetry={() => void probes.refetch()} />;
  return (
    <Table<KeyProbe>
      rowKey="id"
      size="small"
      dataSource={probes.data?.items}
      loading={tableLoading(probes)}
      locale={{ emptyText: t('channels.probes.empty') }}
      data-testid="key-probes"
      pagination={paging.pagination(probes.data?.total)}
      columns={[
        { title: t('billing.time'), key: 'at', render: (_, probe) => formatDateTime(probe.checkedAt) },
        {
          title: t('channels.probes.trigger'),
          key: 'trigger',
          render: (_, probe) => t(`channels.probes.triggers.${probe.trigger}`),
        },
        {
          title: t('channels.probes.result'),
          key: 'result',
          render: (_, probe) => (
            <Tag color={HEALTH_COLOR[probe.result]}>{t(`channels.health.${probe.result}`)}</Tag>
          ),
        },
        { title: 'HTTP', key: 'status', render: (_, probe) => probe.httpStatus ?? '—' },
        {
          title: t('channels.probes.latency'),
          key: 'latency',
          render: (_, probe) => formatMs(probe.latencyMs),
        },
        {
          title: t('channels.probes.message'),
          key: 'message',
          render: (_, probe) => (
            <Typography.Text
              type={probe.result === 'healthy' ? 'secondary' : undefined}
              style={{ maxWidth: 420 }}
              ellipsis={{ tooltip: probe.message }}
            >
              {probe.message}
            </Typography.Text>
          ),
        },
      ]}
    />
  );
}

// One request in full: what was asked, where it went, the failover trail, tokens, cost, timing, error.
import { Descriptions, Drawer, Empty, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatMs, formatNumber, formatUsd } from '../../../components/formatters';
import type { UsageLog } from '../api/usage-api';

export function UsageLogDrawer({ log, onClose }: { log: UsageLog | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer open={log !== null} onClose={onClose} title={t('usage.detailTitle')} size={600} destroyOnHidden>
      {log ? (
        <>
          <Descriptions
            size="small"
            bordered
            column={1}
            items={[
              {
                key: 'requestId',
                label: t('usage.requestId'),
                children: <Typography.Text copyable>{log.requestId}</Typography.Text>,
              },
              { key: 'time', label: t('usage.time'), children: formatDateTime(log.startedAt) },
              {
                key: 'endpoint',
                label: t('usage.endpoint'),
                children: `${log.endpoint}${log.stream ? ` · ${t('usage.stream')}` : ''}`,
              },
              {
                key: 'model',
                label: t('usage.model'),
                children:
                  log.upstreamModel && log.upstreamModel !== log.model
                    ? `${log.model} → ${log.upstreamModel}`
                    : log.model,
              },
              { key: 'channel', label: t('usage.channel'), children: log.channelName ?? '—' },
              { key: 'status', label: t('usage.status'), children: <StatusCode status={log.status} /> },
              {
                key: 'tokens',
                label: t('usage.tokens'),
                children: t('usage.tokensDetail', {
                  prompt: formatNumber(log.promptTokens),
                  cached: formatNumber(log.cachedTokens),
                  written: formatNumber(log.cacheWriteTokens),
                  completion: formatNumber(log.completionTokens),
                }),
              },
              { key: 'cost', label: t('usage.cost'), children: formatUsd(log.costUsd) },
              ...(Number(log.writtenOffUsd) > 0
                ? [
                    {
                      key: 'writtenOff',
                      label: t('usage.writtenOff'),
                      children: formatUsd(log.writtenOffUsd),
                    },
                  ]
                : []),
              { key: 'latency', label: t('usage.latency'), children: formatMs(log.latencyMs) },
              { key: 'ttft', label: t('usage.ttft'), children: formatMs(log.ttftMs) },
              ...(log.errorCode || log.errorMessage
                ? [
                    {
                      key: 'error',
                      label: t('usage.error'),
                      children: `${log.errorCode ?? ''} ${log.errorMessage ?? ''}`.trim(),
                    },
                  ]
                : []),
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('usage.failoverTrail')}
          </Typography.Title>
          {log.fallbacks.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('usage.noFailover')} />
          ) : (
            <Timeline
              items={[
                ...log.fallbacks.map((attempt, index) => ({
                  key: `${index}`,
                  color: 'red',
                  content: t('usage.attemptFailed', {
                    channel: attempt.channelName,
                    status: attempt.status ?? t('usage.noResponse'),
                    code: attempt.code,
                  }),
                })),
                {
                  key: 'final',
                  color: log.status < 400 ? 'green' : 'red',
                  content: t('usage.finalAttempt', { channel: log.channelName ?? '—', status: log.status }),
                },
              ]}
            />
          )}
        </>
      ) : null}
    </Drawer>
  );
}

export function StatusCode({ status }: { status: number }) {
  const color = status < 400 ? 'green' : status === 429 ? 'orange' : 'red';
  return <Tag color={color}>{status}</Tag>;
}

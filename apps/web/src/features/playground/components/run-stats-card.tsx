// What the last playground request went through: route, failed attempts, timings, tokens, cost.
import { Card, Descriptions, Empty, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../components/error-alert';
import { formatMs, formatNumber, formatUsd } from '../../../components/formatters';
import { usePricePreview } from '../../models/api/models-api';
import type { RunStats } from '../api/chat-run';

export function RunStatsCard({ stats, model }: { stats: RunStats | null; model: string | null }) {
  const { t } = useTranslation();
  const usage = stats?.usage;
  const cost = usePricePreview(
    model ?? '',
    {
      promptTokens: String(usage?.promptTokens ?? 0),
      cachedTokens: String(usage?.cachedTokens ?? 0),
      cacheWriteTokens: String(usage?.cacheWriteTokens ?? 0),
      completionTokens: String(usage?.completionTokens ?? 0),
      reasoningTokens: String(usage?.reasoningTokens ?? 0),
    },
    Boolean(model && usage),
  );
  return (
    <Card size="small" title={t('playground.stats.title')} data-testid="playground-stats">
      {stats ? (
        <Descriptions
          size="small"
          column={1}
          bordered
          items={[
            { key: 'routed', label: t('playground.stats.routedVia'), children: stats.routedVia ?? '—' },
            {
              key: 'attempts',
              label: t('playground.stats.failedAttempts'),
              children:
                stats.fallbackAttempts > 0 ? (
                  <Tag color="warning">{stats.fallbackAttempts}</Tag>
                ) : (
                  stats.fallbackAttempts
                ),
            },
            { key: 'ttft', label: t('playground.stats.ttft'), children: formatMs(stats.ttftMs) },
            { key: 'latency', label: t('playground.stats.latency'), children: formatMs(stats.latencyMs) },
            {
              key: 'tokens',
              label: t('playground.stats.tokens'),
              children: usage
                ? t('usage.tokensDetail', {
                    prompt: formatNumber(usage.promptTokens),
                    cached: formatNumber(usage.cachedTokens),
                    completion: formatNumber(usage.completionTokens),
                  })
                : '—',
            },
            {
              key: 'cost',
              label: t('playground.stats.cost'),
              children: cost.data
                ? formatUsd(cost.data.costUsd)
                : cost.isError
                  ? describeError(t, cost.error)
                  : '—',
            },
            { key: 'requestId', label: t('usage.requestId'), children: stats.requestId ?? '—' },
          ]}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('playground.stats.none')} />
      )}
    </Card>
  );
}

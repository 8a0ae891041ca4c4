// The headline numbers of a range: requests, success rate, tokens, spend, latency, time to first token.
import { Card, Col, Row, Statistic, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  formatCompact,
  formatMs,
  formatMsPair,
  formatNumber,
  formatSuccessRate,
  formatUsd,
} from '../../../components/formatters';
import type { UsageTotals } from '../../usage/api/usage-api';

export function UsageKpis({ totals, loading }: { totals: UsageTotals | undefined; loading: boolean }) {
  const { t } = useTranslation();
  const requests = totals?.requests ?? 0;
  const tokens = (totals?.promptTokens ?? 0) + (totals?.completionTokens ?? 0);
  const cards = [
    { key: 'requests', title: t('dashboard.kpi.requests'), value: formatNumber(requests) },
    {
      key: 'success',
      title: t('dashboard.kpi.successRate'),
      value: formatSuccessRate(requests, totals?.errors ?? 0),
    },
    {
      key: 'tokens',
      title: t('dashboard.kpi.tokens'),
      value: formatCompact(tokens),
      tooltip: t('dashboard.kpi.tokensDetail', {
        prompt: formatNumber(totals?.promptTokens ?? 0),
        cached: formatNumber(totals?.cachedTokens ?? 0),
        completion: formatNumber(totals?.completionTokens ?? 0),
      }),
    },
    { key: 'spend', title: t('dashboard.kpi.spend'), value: formatUsd(totals?.costUsd ?? '0') },
    {
      key: 'latency',
      title: t('dashboard.kpi.latency'),
      value:
        totals?.p50LatencyMs != null
          ? formatMsPair(totals.p50LatencyMs, totals.p95LatencyMs)
          : formatMs(totals?.avgLatencyMs),
      tooltip:
        totals?.p50LatencyMs != null ? t('dashboard.kpi.latencyPercentiles') : t('dashboard.kpi.latencyMean'),
    },
    { key: 'ttft', title: t('dashboard.kpi.ttft'), value: formatMs(totals?.avgTtftMs) },
  ];
  return (
    <Row gutter={[16, 16]}>
      {cards.map((card) => (
        <Col xs={12} md={8} xl={4} key={card.key}>
          <Card size="small" style={{ height: '100%' }}>
            <Tooltip title={card.tooltip}>
              <Statistic
                title={card.title}
                value={card.value}
                loading={loading}
                data-testid={`kpi-${card.key}`}
              />
            </Tooltip>
          </Card>
        </Col>
      ))}
    </Row>
  );
}

// The range as time series: traffic (requests, errors), tokens by kind, spend, latency.
import { Card, Col, Row, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatCompact, formatMs, formatUsdAxis } from '../../../components/formatters';
import i18n from '../../../i18n';
import type { UsageSummaryItem } from '../../usage/api/usage-api';
import type { RangeWindow } from '../../usage/usage-range';

interface UsageChartsProps {
  series: (UsageSummaryItem & { key: string })[];
  bucket: RangeWindow['bucket'];
}

const HEIGHT = 240;

/** Hours in the viewer's time zone ("21:00"); days as the api buckets them, UTC ("03-10"). */
function bucketLabel(key: string, bucket: RangeWindow['bucket']): string {
  if (bucket === 'day') return key.slice(5, 10);
  return new Intl.DateTimeFormat(i18n.resolvedLanguage, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(key));
}

export function UsageCharts({ series, bucket }: UsageChartsProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const data = series.map((row) => ({
    label: bucketLabel(row.key, bucket),
    succeeded: row.requests - row.errors,
    errors: row.errors,
    prompt: row.promptTokens - row.cachedTokens,
    cached: row.cachedTokens,
    completion: row.completionTokens,
    spend: Number(row.costUsd),
    p50: row.p50LatencyMs,
    p95: row.p95LatencyMs,
    ttft: row.avgTtftMs,
  }));
  const axis = { stroke: token.colorTextSecondary, fontSize: 12 };
  const grid = <CartesianGrid strokeDasharray="3 3" stroke={token.colorBorderSecondary} />;
  const x = <XAxis dataKey="label" tick={axis} interval="preserveStartEnd" minTickGap={16} />;

  return (
    <Row gutter={[16, 16]} data-testid="usage-charts">
      <Col xs={24} xl={12}>
        <Card size="small" title={t('dashboard.charts.traffic')}>
          <ResponsiveContainer width="100%" height={HEIGHT}>
            <BarChart data={data}>
              {grid}
              {x}
              <YAxis tick={axis} tickFormatter={formatCompact} allowDecimals={false} />
              <Tooltip />
              <Legend />
              <Bar
                isAnimationActive={false}
                dataKey="succeeded"
                stackId="requests"
                name={t('dashboard.series.succeeded')}
                fill={token.colorPrimary}
              />
              <Bar
                isAnimationActive={false}
                dataKey="errors"
                stackId="requests"
                name={t('dashboard.series.errors')}
                fill={token.colorError}
              />
            </BarChart>
          </ResponsiveContainer>
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('dashboard.charts.tokens')}>
          <ResponsiveContainer width="100%" height={HEIGHT}>
            <BarChart data={data}>
              {grid}
              {x}
              <YAxis tick={axis} tickFormatter={formatCompact} />
              <Tooltip />
              <Legend />
              <Bar
                dataKey="prompt"
                stackId="tokens"
                name={t('dashboard.series.prompt')}
                fill={token.colorPrimary}
              />
              <Bar
                dataKey="cached"
                stackId="tokens"
                name={t('dashboard.series.cached')}
                fill={token.colorInfoBorder}
              />
              <Bar
                dataKey="completion"
                stackId="tokens"
                name={t('dashboard.series.completion')}
                fill={token.colorSuccess}
              />
            </BarChart>
          </ResponsiveContainer>
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('dashboard.charts.spend')}>
          <ResponsiveContainer width="100%" height={HEIGHT}>
            <BarChart data={data}>
              {grid}
              {x}
              <YAxis tick={axis} tickFormatter={(value: number) => formatUsdAxis(value)} width={72} />
              <Tooltip formatter={(value) => formatUsdAxis(Number(value))} />
              <Bar
                isAnimationActive={false}
                dataKey="spend"
                name={t('dashboard.series.spend')}
                fill={token.colorWarning}
              />
            </BarChart>
          </ResponsiveContainer>
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={t('dashboard.charts.latency')}>
          <ResponsiveContainer width="100%" height={HEIGHT}>
            <LineChart data={data}>
              {grid}
              {x}
              <YAxis tick={axis} tickFormatter={(value: number) => formatMs(value)} />
              <Tooltip formatter={(value) => formatMs(Number(value))} />
              <Legend />
              <Line
                type="monotone"
                dataKey="p50"
                name={t('dashboard.series.p50')}
                stroke={token.colorPrimary}
                dot={{ r: 2 }}
                connectNulls
              />
              <Line
                type="monotone"
                dataKey="p95"
                name={t('dashboard.series.p95')}
                stroke={token.colorError}
                dot={{ r: 2 }}
                connectNulls
              />
              <Line
                type="monotone"
                dataKey="ttft"
                name={t('dashboard.series.ttft')}
                stroke={token.colorSuccess}
                dot={{ r: 2 }}
                connectNulls
              />
            </LineChart>
          </ResponsiveContainer>
        </Card>
      </Col>
    </Row>
  );
}

// The current period's usage against the plan: a bar per limited quantity, and what is left of the
// included allowance. Counts and money arrive as decimal strings; only the bar's ratio is a float.
import { Col, Progress, Row, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatNumber, formatUsd } from '../../../components/formatters';
import type { Plan, Subscription } from '../api/plans-api';

type PeriodUsage = NonNullable<Subscription['usage']>;

const QUANTITIES = ['requests', 'inputTokens', 'outputTokens', 'spendUsd'] as const;

function percent(used: string, limit: string | number): number {
  const cap = Number(limit);
  if (cap <= 0) return 100;
  return Math.min(100, Math.round((Number(used) / cap) * 1000) / 10);
}

export function PlanUsage({ plan, usage }: { plan: Plan; usage: PeriodUsage }) {
  const { t } = useTranslation();
  const show = (quantity: (typeof QUANTITIES)[number], value: string | number) =>
    quantity === 'spendUsd' ? formatUsd(String(value)) : formatNumber(Number(value));
  return (
    <Row gutter={[24, 16]} data-testid="plan-usage">
      {QUANTITIES.map((quantity) => {
        const limit = plan.limits[quantity];
        const used = usage[quantity];
        return (
          <Col xs={24} md={12} lg={6} key={quantity}>
            <Typography.Text type="secondary">{t(`plans.limit.${quantity}`)}</Typography.Text>
            <div>
              <Typography.Text strong>{show(quantity, used)}</Typography.Text>
              <Typography.Text type="secondary">
                {' / '}
                {limit === null ? t('common.unlimited') : show(quantity, limit)}
              </Typography.Text>
            </div>
            {limit === null ? null : (
              <Progress
                percent={percent(used, limit)}
                size="small"
                status={percent(used, limit) >= 100 ? 'exception' : 'normal'}
              />
            )}
          </Col>
        );
      })}
      <Col xs={24} md={12} lg={6}>
        <Statistic
          title={t('subscription.includedLeft')}
          value={formatUsd(usage.includedLeftUsd)}
          suffix={
            <Typography.Text type="secondary" style={{ fontSize: 14 }}>
              {t('subscription.includedOf', { amount: formatUsd(plan.includedUsd) })}
            </Typography.Text>
          }
        />
      </Col>
      <Col xs={24} md={12} lg={6}>
        <Statistic title={t('subscription.includedUsed')} value={formatUsd(usage.includedUsedUsd)} />
      </Col>
    </Row>
  );
}

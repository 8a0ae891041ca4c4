// A plan's monthly limits in a few words: "100,000 requests · $50.00 spend", or "Unlimited".
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatNumber, formatUsd } from '../../../components/formatters';
import type { PlanLimits } from '../api/plans-api';

export function PlanLimitsList({ limits }: { limits: PlanLimits }) {
  const { t } = useTranslation();
  const parts = [
    limits.requests === null
      ? null
      : t('plans.limitShort.requests', { count: limits.requests, value: formatNumber(limits.requests) }),
    limits.inputTokens === null
      ? null
      : t('plans.limitShort.inputTokens', {
          count: limits.inputTokens,
          value: formatNumber(limits.inputTokens),
        }),
    limits.outputTokens === null
      ? null
      : t('plans.limitShort.outputTokens', {
          count: limits.outputTokens,
          value: formatNumber(limits.outputTokens),
        }),
    limits.spendUsd === null ? null : t('plans.limitShort.spendUsd', { value: formatUsd(limits.spendUsd) }),
  ].filter((part): part is string => part !== null);
  if (parts.length === 0) return <Typography.Text type="secondary">{t('common.unlimited')}</Typography.Text>;
  return <span>{parts.join(' · ')}</span>;
}

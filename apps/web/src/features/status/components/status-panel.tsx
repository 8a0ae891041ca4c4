// Whether the gateway is healthy: the api (/health), readiness (/ready) and each dependency.
import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { DEPENDENCY_CHECKS } from '../api/service-status';
import { useServiceStatus } from '../hooks/use-service-status';
import { StatusBadge } from './status-badge';

const SUMMARY_TYPE = { loading: 'secondary', up: 'success', down: 'danger', error: 'warning' } as const;

export function StatusPanel() {
  const { t, i18n } = useTranslation();
  const { status, refreshing, refresh } = useServiceStatus();
  const checkedAt = status.checkedAt
    ? t('status.checkedAt', {
        time: new Intl.DateTimeFormat(i18n.resolvedLanguage, { timeStyle: 'medium' }).format(
          status.checkedAt,
        ),
      })
    : t('status.notChecked');
  const rows = [
    { label: t('status.checks.api'), state: status.api, testId: 'status-api' },
    { label: t('status.checks.ready'), state: status.ready, testId: 'status-ready' },
    ...DEPENDENCY_CHECKS.map((check) => ({
      label: t(`status.checks.${check}`),
      state: status.checks[check],
      testId: `status-${check}`,
    })),
  ];

  return (
    <Card
      title={t('status.title')}
      extra={
        <Button size="small" icon={<ReloadOutlined />} onClick={() => void refresh()} loading={refreshing}>
          {refreshing ? t('status.refreshing') : t('status.refresh')}
        </Button>
      }
    >
      <Typography.Paragraph type={SUMMARY_TYPE[status.ready]} role="status">
        {t(`status.summary.${status.ready}`)}
      </Typography.Paragraph>
      <Flex vertical gap={8}>
        {rows.map((row) => (
          <Flex key={row.testId} justify="space-between" align="center">
            <Typography.Text>{row.label}</Typography.Text>
            <StatusBadge state={row.state} testId={row.testId} />
          </Flex>
        ))}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 12 }}>
        {checkedAt}
        {status.version && (
          <>
            {' · '}
            <span data-testid="status-version">{t('status.version', { version: status.version })}</span>
          </>
        )}
      </Typography.Paragraph>
    </Card>
  );
}

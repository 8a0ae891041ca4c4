// How the first account comes to exist: there is no default password, only the two variables.
import { Card, Typography } from 'antd';
import { Trans, useTranslation } from 'react-i18next';

export function FirstRunCard() {
  const { t } = useTranslation();
  return (
    <Card title={t('firstRun.title')} data-testid="first-run">
      <Typography.Paragraph>
        <Trans i18nKey="firstRun.credentials" components={{ code: <Typography.Text code /> }} />
      </Typography.Paragraph>
      <Typography.Paragraph>
        <pre style={{ margin: 0, whiteSpace: 'pre-wrap', fontSize: 12 }}>
          ADMIN_EMAIL=you@example.com ADMIN_PASSWORD='a long passphrase' npm start
        </pre>
      </Typography.Paragraph>
      <Typography.Paragraph>{t('firstRun.noDefault')}</Typography.Paragraph>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        <Trans
          i18nKey="firstRun.apiDocs"
          components={{ docs: <Typography.Link href="/api/docs" data-testid="api-docs-link" /> }}
        />
      </Typography.Paragraph>
    </Card>
  );
}

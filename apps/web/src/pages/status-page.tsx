// The gateway's health for operators, inside the console (the login page shows it too).
import { Col, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../components/page-header';
import { FirstRunCard } from '../features/status/components/first-run-card';
import { StatusPanel } from '../features/status/components/status-panel';

export function StatusPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('nav.status')} subtitle={t('app.tagline')} />
      <Row gutter={[24, 24]}>
        <Col xs={24} lg={12}>
          <StatusPanel />
        </Col>
        <Col xs={24} lg={12}>
          <FirstRunCard />
        </Col>
      </Row>
    </>
  );
}

// The entry page: log in, see whether the gateway is healthy, and learn how the first admin account
// is made (there is no default password).
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Flex, Form, Input, Layout, Row, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { isApiError } from '../api/api-error';
import { loginBody } from '../auth/login-body';
import { RegisteredState, useLogin, useSession } from '../auth/session';
import { describeError } from '../components/error-alert';
import { LanguageSwitcher } from '../components/language-switcher';
import { applyServerErrors } from '../components/server-errors';
import { usePublicSettings, useSiteName } from '../features/settings/api/settings-api';
import { FirstRunCard } from '../features/status/components/first-run-card';
import { StatusPanel } from '../features/status/components/status-panel';

interface LoginForm {
  /** An email, or the username of a user imported from NewAPI / one-api. */
  login: string;
  password: string;
}

/** Only same-origin paths: `?next=https://evil.example` must not become an open redirect. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const siteName = useSiteName();
  const registrationOpen = usePublicSettings().data?.registrationOpen === true;
  const [form] = Form.useForm<LoginForm>();
  const session = useSession();
  const login = useLogin();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const registered = (useLocation().state as Partial<RegisteredState> | null)?.registered;
  const [failure, setFailure] = useState<string | null>(null);
  const next = safeNext(search.get('next'));

  if (session.data) return <Navigate to={next} replace />;

  const submit = (values: LoginForm) => {
    setFailure(null);
    login.mutate(loginBody(values.login, values.password), {
      onSuccess: () => void navigate(next, { replace: true }),
      onError: (error) => {
        const unplaced = applyServerErrors(form, error);
        if (unplaced !== null && unplaced.length === 0) return; // shown on the fields
        if (isApiError(error) && error.code === 'invalid_credentials')
          setFailure(t('login.invalidCredentials'));
        else setFailure(describeError(t, error));
      },
    });
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ background: 'transparent', paddingInline: 24 }}>
        <Flex justify="space-between" align="center" style={{ height: '100%' }}>
          <Typography.Text strong style={{ fontSize: 16 }}>
            {siteName}
          </Typography.Text>
          <LanguageSwitcher />
        </Flex>
      </Layout.Header>
      <Layout.Content style={{ padding: '24px 24px 48px' }}>
        <Row gutter={[24, 24]} justify="center" style={{ maxWidth: 1100, margin: '0 auto' }}>
          <Col xs={24} lg={10}>
            <Card>
              <Typography.Title level={3} style={{ marginTop: 0 }}>
                {t('login.title')}
              </Typography.Title>
              <Typography.Paragraph type="secondary">{t('app.tagline')}</Typography.Paragraph>
              {registered && !failure ? (
                <Alert
                  type="success"
                  showIcon
                  title={t('register.accepted')}
                  style={{ marginBottom: 16 }}
                  data-testid="register-accepted"
                />
              ) : null}
              {failure ? (
                <Alert
                  type="error"
                  showIcon
                  title={t('login.failed')}
                  description={
                    <>
                      {failure}
                      <br />
                      {t('login.failedHint')}
                    </>
                  }
                  style={{ marginBottom: 16 }}
                  data-testid="login-error"
                />
              ) : null}
              <Form<LoginForm>
                form={form}
                layout="vertical"
                requiredMark={false}
                onFinish={submit}
                initialValues={registered ? { login: registered } : undefined}
              >
                <Form.Item
                  name="login"
                  label={t('login.email')}
                  rules={[{ required: true, whitespace: true, message: t('login.emailRequired') }]}
                >
                  <Input prefix={<UserOutlined />} autoComplete="username" data-testid="login-email" />
                </Form.Item>
                <Form.Item
                  name="password"
                  label={t('login.password')}
                  rules={[{ required: true, message: t('login.passwordRequired') }]}
                >
                  <Input.Password
                    prefix={<LockOutlined />}
                    autoComplete="current-password"
                    data-testid="login-password"
                  />
                </Form.Item>
                <Button
                  type="primary"
                  htmlType="submit"
                  block
                  loading={login.isPending}
                  data-testid="login-submit"
                >
                  {t('login.submit')}
                </Button>
              </Form>
              {registrationOpen ? (
                <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
                  {t('register.noAccount')}{' '}
                  <Link to="/register" data-testid="register-link">
                    {t('register.title')}
                  </Link>
                </Typography.Paragraph>
              ) : null}
            </Card>
          </Col>
          <Col xs={24} lg={10}>
            <Flex vertical gap={24}>
              <StatusPanel />
              <FirstRunCard />
            </Flex>
          </Col>
        </Row>
      </Layout.Content>
    </Layout>
  );
}

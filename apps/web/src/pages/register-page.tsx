// Sign-up, when the operators opened it (Settings): a new tenant of one's own, with oneself as its
// owner. The server answers alike for a new and a taken email (it must not tell who has an account),
// so the newcomer goes on to the login, email filled in. Closed sign-up says so and points to the login.
import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Layout, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { RegisteredState, useRegister, useSession } from '../auth/session';
import { FormError } from '../components/form-error';
import { LanguageSwitcher } from '../components/language-switcher';
import { useServerErrors } from '../components/server-errors';
import { usePublicSettings, useSiteName } from '../features/settings/api/settings-api';

interface RegisterValues {
  email: string;
  password: string;
  name?: string;
  tenantName?: string;
}

export function RegisterPage() {
  const { t } = useTranslation();
  const siteName = useSiteName();
  const navigate = useNavigate();
  const session = useSession();
  const settings = usePublicSettings();
  const register = useRegister();
  const [form] = Form.useForm<RegisterValues>();
  const { formError, onError, clear } = useServerErrors(form);

  if (session.data) return <Navigate to="/" replace />;

  let body;
  if (settings.isPending) body = <Skeleton active />;
  else if (!settings.data?.registrationOpen)
    body = <Alert type="info" showIcon title={t('register.closed')} data-testid="register-closed" />;
  else
    body = (
      <Form<RegisterValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => {
          clear();
          register.mutate(
            {
              email: values.email.trim(),
              password: values.password,
              ...(values.name?.trim() ? { name: values.name.trim() } : {}),
              ...(values.tenantName?.trim() ? { tenantName: values.tenantName.trim() } : {}),
            },
            {
              onSuccess: () => {
                const state: RegisteredState = { registered: values.email.trim() };
                void navigate('/login', { replace: true, state });
              },
              onError,
            },
          );
        }}
      >
        <FormError message={formError} />
        <Form.Item
          name="email"
          label={t('login.email')}
          rules={[{ required: true, type: 'email', message: t('login.emailRequired') }]}
        >
          <Input prefix={<MailOutlined />} autoComplete="username" data-testid="register-email" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('login.password')}
          extra={t('register.passwordHint')}
          rules={[{ required: true, message: t('login.passwordRequired') }]}
        >
          <Input.Password
            prefix={<LockOutlined />}
            autoComplete="new-password"
            data-testid="register-password"
          />
        </Form.Item>
        <Form.Item name="name" label={t('register.name')}>
          <Input autoComplete="name" />
        </Form.Item>
        <Form.Item name="tenantName" label={t('register.tenantName')} extra={t('register.tenantNameHint')}>
          <Input data-testid="register-tenant" />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          block
          loading={register.isPending}
          data-testid="register-submit"
        >
          {t('register.submit')}
        </Button>
      </Form>
    );

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
        <Card style={{ maxWidth: 480, margin: '0 auto' }}>
          <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="page-title">
            {t('register.title')}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('register.subtitle')}</Typography.Paragraph>
          {body}
          <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
            {t('register.haveAccount')} <Link to="/login">{t('register.logIn')}</Link>
          </Typography.Paragraph>
        </Card>
      </Layout.Content>
    </Layout>
  );
}

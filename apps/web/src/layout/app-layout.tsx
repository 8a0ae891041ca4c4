// The frame of every page behind the login: side navigation for the user's role, a header with the
// language switch and the account menu (role, tenant, log out), and a footer naming the running version.
import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Dropdown, Flex, Grid, Layout, Menu, Spin, Tag, theme, Typography } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useCurrentUser, useLogout } from '../auth/session';
import { LanguageSwitcher } from '../components/language-switcher';
import { useSiteName } from '../features/settings/api/settings-api';
import { useGatewayVersion } from '../features/status/api/service-status';
import { activeEntry, navigationFor } from './navigation';

export function AppLayout() {
  const { t } = useTranslation();
  const siteName = useSiteName();
  const version = useGatewayVersion();
  const user = useCurrentUser();
  const logout = useLogout();
  const navigate = useNavigate();
  const location = useLocation();
  const { token } = theme.useToken();
  // A phone's width: the header names the user in its menu, not beside it, so the language switch
  // stays on screen.
  const narrow = !Grid.useBreakpoint().md;
  const entries = navigationFor(user.role, t);
  const active = activeEntry(entries, location.pathname);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        breakpoint="lg"
        collapsedWidth={0}
        width={220}
        theme="light"
        // The collapsed navigation's button sits in the header's empty left end, not over the page title.
        zeroWidthTriggerStyle={{ top: 8 }}
        data-testid="side-nav"
      >
        <Flex align="center" style={{ height: 56, paddingInline: 24 }}>
          <Typography.Text strong style={{ fontSize: 16 }}>
            {siteName}
          </Typography.Text>
        </Flex>
        <Menu
          mode="inline"
          selectedKeys={active ? [active.path] : []}
          items={entries.map((entry) => ({
            key: entry.path,
            icon: entry.icon,
            label: entry.label,
            'data-testid': `nav-${entry.id ?? entry.area}`,
          }))}
          onClick={({ key }) => void navigate(key)}
          style={{ borderInlineEnd: 0 }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            paddingInline: 24,
            height: 56,
            lineHeight: '56px',
          }}
        >
          <Flex justify="flex-end" align="center" gap={16} style={{ height: '100%' }}>
            <LanguageSwitcher />
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  ...(narrow ? [{ key: 'email', disabled: true, label: user.email }] : []),
                  {
                    key: 'role',
                    disabled: true,
                    label: (
                      <span>
                        {t('account.role')}: {t(`roles.${user.role}`)}
                      </span>
                    ),
                  },
                  { type: 'divider' },
                  {
                    key: 'logout',
                    icon: <LogoutOutlined />,
                    label: <span data-testid="logout">{t('account.logout')}</span>,
                    onClick: () => logout.mutate(undefined, { onSettled: () => void navigate('/login') }),
                  },
                ],
              }}
            >
              <Button type="text" icon={<UserOutlined />} data-testid="account-menu">
                {narrow ? null : user.email}
                <Tag style={{ marginInlineStart: narrow ? 0 : 8 }}>{t(`roles.${user.role}`)}</Tag>
              </Button>
            </Dropdown>
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '64px auto' }} />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
        {version && (
          <Layout.Footer style={{ textAlign: 'center', paddingBlock: 12 }}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="app-version">
              {t('app.name')} · {t('status.version', { version })}
            </Typography.Text>
          </Layout.Footer>
        )}
      </Layout>
    </Layout>
  );
}

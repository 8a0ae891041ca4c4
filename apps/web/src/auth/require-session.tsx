// Route guards: pages behind the login, and pages for some roles only.
import { Button, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { describeError } from '../components/error-alert';
import { AppLayout } from '../layout/app-layout';
import { type Area, canSee } from './roles';
import { CurrentUserContext, useCurrentUser, useSession, useSessionExpiry } from './session';

export function RequireSession() {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  useSessionExpiry();

  if (session.isPending) return <Spin size="large" style={{ display: 'block', margin: '30vh auto' }} />;
  if (session.isError) {
    return (
      <Result
        status="error"
        title={t('errors.sessionCheckFailed')}
        subTitle={describeError(t, session.error)}
        extra={<Button onClick={() => void session.refetch()}>{t('common.retry')}</Button>}
      />
    );
  }
  if (!session.data) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return (
    <CurrentUserContext.Provider value={session.data}>
      <AppLayout />
    </CurrentUserContext.Provider>
  );
}

/** Shows the page to the roles of `area`; others get a 403 page (the api would refuse them anyway). */
export function RequireArea({ area, children }: { area: Area; children: ReactNode }) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  if (!canSee(user.role, area)) {
    return <Result status="403" title={t('errors.forbiddenPage')} data-testid="forbidden-page" />;
  }
  return children;
}

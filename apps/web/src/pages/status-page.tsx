// Placeholder landing page until the dashboard lands: what this is, whether the gateway is healthy,
// where the API docs are, and how the first admin account comes to exist.
import { Trans, useTranslation } from 'react-i18next';
import { DEPENDENCY_CHECKS } from '../api/service-status';
import { StatusBadge } from '../components/status-badge';
import { useServiceStatus } from '../hooks/use-service-status';

function StatusPanel() {
  const { t, i18n } = useTranslation();
  const { status, refreshing, refresh } = useServiceStatus();
  const checkedAt = status.checkedAt
    ? t('status.checkedAt', {
        time: new Intl.DateTimeFormat(i18n.resolvedLanguage, { timeStyle: 'medium' }).format(
          status.checkedAt,
        ),
      })
    : t('status.notChecked');

  return (
    <section className="card status-panel" aria-labelledby="status-title">
      <div className="card__header">
        <h2 id="status-title">{t('status.title')}</h2>
        <button type="button" className="button" onClick={() => void refresh()} disabled={refreshing}>
          {refreshing ? t('status.refreshing') : t('status.refresh')}
        </button>
      </div>
      <p className={`status-summary status-summary--${status.ready}`} role="status">
        {t(`status.summary.${status.ready}`)}
      </p>
      <dl className="status-list">
        <div className="status-list__row">
          <dt>{t('status.checks.api')}</dt>
          <dd>
            <StatusBadge state={status.api} testId="status-api" />
          </dd>
        </div>
        <div className="status-list__row">
          <dt>{t('status.checks.ready')}</dt>
          <dd>
            <StatusBadge state={status.ready} testId="status-ready" />
          </dd>
        </div>
        {DEPENDENCY_CHECKS.map((check) => (
          <div className="status-list__row" key={check}>
            <dt>{t(`status.checks.${check}`)}</dt>
            <dd>
              <StatusBadge state={status.checks[check]} testId={`status-${check}`} />
            </dd>
          </div>
        ))}
      </dl>
      <p className="muted status-panel__time">{checkedAt}</p>
    </section>
  );
}

export function StatusPage() {
  const { t } = useTranslation();
  return (
    <>
      <section className="hero">
        <h1>{t('app.name')}</h1>
        <p className="hero__tagline">{t('app.tagline')}</p>
        <p>
          <a className="button button--primary" href="/api/docs" data-testid="api-docs-link">
            {t('links.apiDocs')}
          </a>
          <span className="muted hero__hint">{t('links.apiDocsHint')}</span>
        </p>
      </section>
      <div className="grid">
        <StatusPanel />
        <section className="card first-run" aria-labelledby="first-run-title" data-testid="first-run">
          <h2 id="first-run-title">{t('firstRun.title')}</h2>
          <p>
            <Trans i18nKey="firstRun.credentials" components={{ code: <code /> }} />
          </p>
          <p>{t('firstRun.noDefault')}</p>
          <p className="muted">{t('firstRun.dashboard')}</p>
        </section>
      </div>
    </>
  );
}

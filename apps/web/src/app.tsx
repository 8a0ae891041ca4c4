import { useTranslation } from 'react-i18next';
import { LanguageSwitcher } from './components/language-switcher';
import { StatusPage } from './pages/status-page';

export function App() {
  const { t } = useTranslation();
  return (
    <div className="app">
      <header className="app__header">
        <span className="app__brand">{t('app.name')}</span>
        <LanguageSwitcher />
      </header>
      <main className="app__main">
        <StatusPage />
      </main>
      <footer className="app__footer muted">{t('app.footer')}</footer>
    </div>
  );
}

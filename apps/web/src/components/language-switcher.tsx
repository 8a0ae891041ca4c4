import { useTranslation } from 'react-i18next';
import { SUPPORTED_LANGUAGES, setLanguage } from '../i18n';

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  return (
    <div className="language-switcher" role="group" aria-label={t('language.label')}>
      {SUPPORTED_LANGUAGES.map((language) => {
        const active = i18n.resolvedLanguage === language;
        return (
          <button
            key={language}
            type="button"
            className="language-switcher__option"
            aria-pressed={active}
            lang={language}
            data-testid={`language-${language}`}
            onClick={() => void setLanguage(language)}
          >
            {t(`language.${language}`)}
          </button>
        );
      })}
    </div>
  );
}

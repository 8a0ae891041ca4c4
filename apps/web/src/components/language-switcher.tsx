import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { SUPPORTED_LANGUAGES, setLanguage } from '../i18n';

/** EN / 中文; the choice is remembered (localStorage) for the next visit. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  return (
    <Space.Compact role="group" aria-label={t('language.label')}>
      {SUPPORTED_LANGUAGES.map((language) => {
        const active = i18n.resolvedLanguage === language;
        return (
          <Button
            key={language}
            size="small"
            autoInsertSpace={false}
            type={active ? 'primary' : 'default'}
            aria-pressed={active}
            lang={language}
            data-testid={`language-${language}`}
            onClick={() => void setLanguage(language)}
          >
            {t(`language.${language}`)}
          </Button>
        );
      })}
    </Space.Compact>
  );
}

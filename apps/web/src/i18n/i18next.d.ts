// Typed translation keys: t('…') and <Trans i18nKey="…"> only accept keys that exist in en.json.
import 'i18next';
import type en from './locales/en.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

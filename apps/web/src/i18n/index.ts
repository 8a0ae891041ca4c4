// i18next setup for the SPA. English is the source language; every visible string lives in
// ./locales/*.json. The chosen language persists in localStorage; otherwise navigator.language decides.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

export const SUPPORTED_LANGUAGES = ['en', 'zh-CN'] as const;
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number];

export const LANGUAGE_STORAGE_KEY = 'llm-gateway.language';
const FALLBACK_LANGUAGE: SupportedLanguage = 'en';

// Compile-time guard: the Chinese catalogue must have every key the English one has.
const zhCNCatalogue: typeof en = zhCN;

export function isSupportedLanguage(value: unknown): value is SupportedLanguage {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

/** Maps a BCP 47 tag (e.g. "zh-TW", "en-GB") to the closest supported language, or null. */
export function matchLanguage(tag: string | null | undefined): SupportedLanguage | null {
  if (!tag) return null;
  const lower = tag.toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN';
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  return null;
}

function readStoredLanguage(): SupportedLanguage | null {
  try {
    const stored = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isSupportedLanguage(stored) ? stored : null;
  } catch {
    return null; // storage disabled (privacy mode, sandboxed iframe)
  }
}

export function detectInitialLanguage(): SupportedLanguage {
  return readStoredLanguage() ?? matchLanguage(navigator.language) ?? FALLBACK_LANGUAGE;
}

/** Switches the UI language and remembers the choice for the next visit. */
export async function setLanguage(language: SupportedLanguage): Promise<void> {
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Not persisted; the switch still applies to this page view.
  }
  await i18n.changeLanguage(language);
}

i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

void i18n.use(initReactI18next).init({
  resources: {
    en: { translation: en },
    'zh-CN': { translation: zhCNCatalogue },
  },
  lng: detectInitialLanguage(),
  fallbackLng: FALLBACK_LANGUAGE,
  supportedLngs: [...SUPPORTED_LANGUAGES],
  load: 'currentOnly',
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes already
});

export default i18n;

// The component library's and date library's locale for each UI language, so pagination, date
// pickers, empty states and confirm buttons speak the same language as our own strings.
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ConfigProviderProps } from 'antd';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';
import { isSupportedLanguage, type SupportedLanguage } from './index';

type Locale = NonNullable<ConfigProviderProps['locale']>;

const ANTD: Record<SupportedLanguage, Locale> = { en: enUS, 'zh-CN': zhCN };
const DAYJS: Record<SupportedLanguage, string> = { en: 'en', 'zh-CN': 'zh-cn' };

/** The current UI language (re-renders on a switch) and the component locale that goes with it. */
export function useUiLocale(): { language: SupportedLanguage; antdLocale: Locale } {
  const { i18n } = useTranslation();
  const language = isSupportedLanguage(i18n.resolvedLanguage) ? i18n.resolvedLanguage : 'en';
  dayjs.locale(DAYJS[language]);
  return { language, antdLocale: ANTD[language] };
}

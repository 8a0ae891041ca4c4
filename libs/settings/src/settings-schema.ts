// The runtime settings: what each is, and its default from the environment. Changing one from the
// dashboard stores a row; every process picks it up at once (ChangeFeed topic `settings`).
import type { AppConfig } from '@gateway/config';
import type { ExchangeRate, IssuerSettings, SmtpSettings } from './billing/billing-settings';

export interface RuntimeSettingsValues {
  /** Shown in the dashboard's title and on invoices' header. */
  siteName: string;
  /** The public address of the gateway (links in the dashboard), or null. */
  siteUrl: string | null;
  /** Whether anyone may sign up (a new tenant of their own). */
  registrationOpen: boolean;
  /** Upstream attempts per /v1 request. */
  relayMaxAttempts: number;
  /** Upstream statuses that move on to the next candidate. */
  relayRetryStatuses: number[];
  /** Cooldown of a key after a 429 without Retry-After, doubling with each consecutive 429. */
  relayCooldownBaseMs: number;
  /** The longest cooldown, Retry-After included. */
  relayCooldownMaxMs: number;
  /** Who issues the invoices (copied into each invoice when it is issued); null until set. */
  issuer: IssuerSettings | null;
  /** The SMTP server invoices are mailed through; null: invoices are not mailed. */
  smtp: SmtpSettings | null;
  /** Monthly exchange rates for tenants billed in another currency than USD. */
  exchangeRates: ExchangeRate[];
}

export type SettingKey = keyof RuntimeSettingsValues;

export const SETTING_KEYS: readonly SettingKey[] = [
  'siteName',
  'siteUrl',
  'registrationOpen',
  'relayMaxAttempts',
  'relayRetryStatuses',
  'relayCooldownBaseMs',
  'relayCooldownMaxMs',
  'issuer',
  'smtp',
  'exchangeRates',
];

export const SETTINGS_TOPIC = 'settings';

export function defaultSettings(config: AppConfig): RuntimeSettingsValues {
  return {
    siteName: 'LLM Gateway',
    siteUrl: null,
    registrationOpen: config.PUBLIC_REGISTRATION,
    relayMaxAttempts: config.RELAY_MAX_ATTEMPTS,
    relayRetryStatuses: [...config.RELAY_RETRY_STATUSES],
    relayCooldownBaseMs: config.RELAY_COOLDOWN_BASE_MS,
    relayCooldownMaxMs: config.RELAY_COOLDOWN_MAX_MS,
    issuer: null,
    smtp: null,
    exchangeRates: [],
  };
}

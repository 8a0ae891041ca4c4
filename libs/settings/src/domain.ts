// The settings without their HTTP face (`@gateway/settings/domain`): what the worker and code that
// runs in it may import. Nothing reachable from here loads a controller, a DTO or a view
// (docs/design.md, "Layers"); index.ts adds /api/settings.
export { SETTINGS_ENTITIES } from './settings.entities';
export { SettingsWorkerModule } from './settings-worker.module';
export { Setting } from './entities/setting.entity';
export { RuntimeSettings } from './runtime-settings';
export { SettingsError, SettingsErrorCode } from './settings.errors';
export { SETTING_KEYS, SETTINGS_TOPIC, defaultSettings } from './settings-schema';
export type { RuntimeSettingsValues, SettingKey } from './settings-schema';
export { billingSettings, DEFAULT_PAYMENT_TERMS_DAYS, exchangeRateFor } from './billing/billing-settings';
export type { BillingSettings, ExchangeRate, IssuerSettings, SmtpSettings } from './billing/billing-settings';
export { openSmtpPassword, settingsCipher } from './billing/smtp-password';

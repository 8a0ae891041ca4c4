export { SETTINGS_ENTITIES, SettingsModule, SettingsWorkerModule } from './settings.module';
export { Setting } from './entities/setting.entity';
export { RuntimeSettings } from './runtime-settings';
export { SettingsService } from './settings.service';
export { SettingsError, SettingsErrorCode } from './settings.errors';
export { SETTING_KEYS, SETTINGS_TOPIC, defaultSettings } from './settings-schema';
export type { RuntimeSettingsValues, SettingKey } from './settings-schema';
export { SETTINGS_ROLES } from './settings-permissions';

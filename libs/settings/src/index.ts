export * from './domain';
export { SettingsModule } from './settings.module';
export { SettingsService } from './settings.service';
export { SETTINGS_ROLES } from './settings-permissions';

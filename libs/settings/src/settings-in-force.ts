// The settings in force: the stored rows over the environment's defaults. Read by SettingsService
// (the api) and by RuntimeSettings on its own, so the worker reads them without the api's service.
import type { AppConfig } from '@gateway/config';
import type { Repository } from 'typeorm';
import type { Setting } from './entities/setting.entity';
import { defaultSettings, RuntimeSettingsValues, SETTING_KEYS, SettingKey } from './settings-schema';

export async function settingsInForce(
  rows: Repository<Setting>,
  config: AppConfig,
): Promise<{ values: RuntimeSettingsValues; overridden: SettingKey[] }> {
  const values = defaultSettings(config);
  const overridden: SettingKey[] = [];
  for (const row of await rows.find()) {
    if (!(SETTING_KEYS as readonly string[]).includes(row.key)) continue; // a setting since removed
    (values as unknown as Record<string, unknown>)[row.key] = row.value;
    overridden.push(row.key as SettingKey);
  }
  return { values, overridden };
}

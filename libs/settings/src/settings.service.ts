// Reading and changing the runtime settings. Reads merge the stored rows over the environment's
// defaults; a change is validated as a whole (the cooldown bounds depend on each other), stored,
// audited and announced, so every api and worker process applies it at once.
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { Actor } from '@gateway/identity';
import { ChangeFeed } from '@gateway/redis';
import { Repository } from 'typeorm';
import { UpdateSettingsDto } from './dto/update-settings.dto';
import { Setting } from './entities/setting.entity';
import { SettingsError, SettingsErrorCode } from './settings.errors';
import {
  defaultSettings,
  RuntimeSettingsValues,
  SETTING_KEYS,
  SettingKey,
  SETTINGS_TOPIC,
} from './settings-schema';
import { PublicSettingsView, SettingsView } from './views/settings.view';

const AUDIT_TYPE = 'settings';

@Injectable()
export class SettingsService {
  constructor(
    @InjectRepository(Setting) private readonly rows: Repository<Setting>,
    private readonly audit: AuditService,
    private readonly changes: ChangeFeed,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The settings in force: stored values over the environment's defaults. */
  async values(): Promise<{ values: RuntimeSettingsValues; overridden: SettingKey[] }> {
    const values = defaultSettings(this.config);
    const overridden: SettingKey[] = [];
    for (const row of await this.rows.find()) {
      if (!(SETTING_KEYS as readonly string[]).includes(row.key)) continue; // a setting since removed
      (values as unknown as Record<string, unknown>)[row.key] = row.value;
      overridden.push(row.key as SettingKey);
    }
    return { values, overridden };
  }

  async get(): Promise<SettingsView> {
    const { values, overridden } = await this.values();
    return { ...values, overridden };
  }

  async publicView(): Promise<PublicSettingsView> {
    const { values } = await this.values();
    return { siteName: values.siteName, siteUrl: values.siteUrl, registrationOpen: values.registrationOpen };
  }

  async update(actor: Actor, dto: UpdateSettingsDto): Promise<SettingsView> {
    const given = Object.fromEntries(
      SETTING_KEYS.filter((key) => dto[key] !== undefined).map((key) => [key, dto[key]]),
    ) as Partial<RuntimeSettingsValues>;
    if (given.siteName !== undefined) given.siteName = given.siteName.trim();
    if (given.relayRetryStatuses !== undefined) {
      given.relayRetryStatuses = [...new Set(given.relayRetryStatuses)].sort((a, b) => a - b);
    }
    const view = await this.rows.manager.transaction(async (manager) => {
      // One change at a time, so the cross-field check below sees what it is checking.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['gateway:settings']);
      const before = await this.get();
      const after: RuntimeSettingsValues = { ...before, ...given };
      if (after.relayCooldownMaxMs < after.relayCooldownBaseMs) {
        const message = 'relayCooldownMaxMs must not be below relayCooldownBaseMs';
        throw new SettingsError(SettingsErrorCode.ValidationFailed, message, { field: 'relayCooldownMaxMs' });
      }
      const changed = SETTING_KEYS.filter(
        (key) => key in given && JSON.stringify(before[key]) !== JSON.stringify(after[key]),
      );
      for (const key of changed) {
        // As JSON text: a JSON null (siteUrl cleared) is a value, not SQL NULL.
        await manager.query(
          `INSERT INTO settings (key, value, updated_by) VALUES ($1, $2::jsonb, $3)
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
          [key, JSON.stringify(after[key]), actor.userId],
        );
      }
      const overridden = [...new Set([...before.overridden, ...changed])];
      const result: SettingsView = { ...after, overridden };
      if (changed.length > 0) {
        const pick = (v: RuntimeSettingsValues) => Object.fromEntries(changed.map((key) => [key, v[key]]));
        await this.audit.record(
          {
            actor,
            tenantId: null,
            action: 'update',
            entityType: AUDIT_TYPE,
            entityId: 'runtime',
            before: pick(before),
            after: pick(after),
          },
          manager,
        );
      }
      return { result, changed: changed.length > 0 };
    });
    if (view.changed) await this.changes.publish(SETTINGS_TOPIC);
    return view.result;
  }
}

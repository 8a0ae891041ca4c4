// The settings as the hot path reads them: an in-process snapshot reloaded when a change is
// announced (ChangeFeed topic `settings`), so a request never waits on PostgreSQL for them.
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { AnnouncedSnapshot, ChangeFeed } from '@gateway/redis';
import { Repository } from 'typeorm';
import { Setting } from './entities/setting.entity';
import { RuntimeSettingsValues, SETTINGS_TOPIC } from './settings-schema';
import { settingsInForce } from './settings-in-force';

@Injectable()
export class RuntimeSettings implements OnApplicationShutdown {
  private readonly snapshot: AnnouncedSnapshot<RuntimeSettingsValues>;

  constructor(
    @InjectRepository(Setting) rows: Repository<Setting>,
    changes: ChangeFeed,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.snapshot = new AnnouncedSnapshot(
      changes,
      SETTINGS_TOPIC,
      config.RELAY_TABLE_REFRESH_MS,
      async () => {
        const { values } = await settingsInForce(rows, config);
        return Object.freeze(values);
      },
    );
  }

  current(): Promise<RuntimeSettingsValues> {
    return this.snapshot.current();
  }

  onApplicationShutdown(): void {
    this.snapshot.close();
  }
}

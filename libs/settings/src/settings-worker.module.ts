import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RuntimeSettings } from './runtime-settings';
import { SETTINGS_ENTITIES } from './settings.entities';

/** For the worker: the settings in force, read-only. */
@Module({
  imports: [TypeOrmModule.forFeature(SETTINGS_ENTITIES)],
  providers: [RuntimeSettings],
  exports: [RuntimeSettings],
})
export class SettingsWorkerModule {}

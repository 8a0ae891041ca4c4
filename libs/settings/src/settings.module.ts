import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegistrationPolicy } from '@gateway/identity';
import { RuntimeSettings } from './runtime-settings';
import { SettingsController } from './settings.controller';
import { SettingsService } from './settings.service';
import { SETTINGS_ENTITIES } from './settings.entities';

/** Tells identity whether sign-up is open, from the runtime settings. */
class SettingsRegistrationPolicy extends RegistrationPolicy {
  constructor(private readonly settings: RuntimeSettings) {
    super();
  }

  async isOpen(): Promise<boolean> {
    return (await this.settings.current()).registrationOpen;
  }
}

/**
 * Global so that identity (registration) can ask through its RegistrationPolicy port without
 * importing this module, which depends on identity.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(SETTINGS_ENTITIES)],
  controllers: [SettingsController],
  providers: [
    SettingsService,
    RuntimeSettings,
    {
      provide: RegistrationPolicy,
      useFactory: (s: RuntimeSettings) => new SettingsRegistrationPolicy(s),
      inject: [RuntimeSettings],
    },
  ],
  exports: [SettingsService, RuntimeSettings, RegistrationPolicy],
})
export class SettingsModule {}

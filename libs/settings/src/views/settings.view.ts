import { ApiProperty } from '@nestjs/swagger';
import type { RuntimeSettingsValues } from '../settings-schema';

export class SettingsView implements RuntimeSettingsValues {
  @ApiProperty() siteName!: string;
  @ApiProperty({ type: String, nullable: true }) siteUrl!: string | null;
  @ApiProperty() registrationOpen!: boolean;
  @ApiProperty() relayMaxAttempts!: number;
  @ApiProperty({ type: [Number] }) relayRetryStatuses!: number[];
  @ApiProperty() relayCooldownBaseMs!: number;
  @ApiProperty() relayCooldownMaxMs!: number;
  @ApiProperty({
    type: [String],
    description: 'settings changed from the dashboard; the others are the environment’s defaults',
  })
  overridden!: string[];
}

/** What the login page may know before anyone signs in. */
export class PublicSettingsView {
  @ApiProperty() siteName!: string;
  @ApiProperty({ type: String, nullable: true }) siteUrl!: string | null;
  @ApiProperty() registrationOpen!: boolean;
}

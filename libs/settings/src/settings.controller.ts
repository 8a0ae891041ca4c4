import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '@gateway/identity';
import { UpdateSettingsDto } from './dto/update-settings.dto';
import { PublicSettingsReader, SettingsAdmin } from './settings-permissions';
import { SettingsService } from './settings.service';
import { PublicSettingsView, SettingsView } from './views/settings.view';

@ApiTags('settings')
@Controller('api/settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @PublicSettingsReader()
  @Get('public')
  @ApiOperation({ summary: 'The site name and whether sign-up is open (no login needed)' })
  @ApiOkResponse({ type: PublicSettingsView })
  publicView(): Promise<PublicSettingsView> {
    return this.settings.publicView();
  }

  @SettingsAdmin()
  @ApiBearerAuth()
  @Get()
  @ApiOperation({ summary: 'The runtime settings in force (stored values over the environment’s defaults)' })
  @ApiOkResponse({ type: SettingsView })
  get(): Promise<SettingsView> {
    return this.settings.get();
  }

  @SettingsAdmin()
  @ApiBearerAuth()
  @Patch()
  @ApiOperation({ summary: 'Change settings; every process applies them at once' })
  @ApiOkResponse({ type: SettingsView })
  update(@CurrentActor() actor: Actor, @Body() body: UpdateSettingsDto): Promise<SettingsView> {
    return this.settings.update(actor, body);
  }
}

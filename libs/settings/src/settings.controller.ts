import { Body, Controller, Delete, Get, Param, Patch, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '@gateway/identity';
import { ExchangeRateParamsDto, SetExchangeRateDto } from './dto/exchange-rate.dto';
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

  @SettingsAdmin()
  @ApiBearerAuth()
  @Put('exchange-rates/:currency/:period')
  @ApiOperation({
    summary: 'Set one month’s rate of one currency, leaving the other rates as they are',
  })
  @ApiOkResponse({ type: SettingsView })
  setExchangeRate(
    @CurrentActor() actor: Actor,
    @Param() params: ExchangeRateParamsDto,
    @Body() body: SetExchangeRateDto,
  ): Promise<SettingsView> {
    return this.settings.setExchangeRate(actor, params.currency, params.period, body.rate);
  }

  @SettingsAdmin()
  @ApiBearerAuth()
  @Delete('exchange-rates/:currency/:period')
  @ApiOperation({
    summary: 'Remove one month’s rate of one currency (404 exchange_rate_not_found when unset)',
  })
  @ApiOkResponse({ type: SettingsView })
  removeExchangeRate(
    @CurrentActor() actor: Actor,
    @Param() params: ExchangeRateParamsDto,
  ): Promise<SettingsView> {
    return this.settings.removeExchangeRate(actor, params.currency, params.period);
  }
}

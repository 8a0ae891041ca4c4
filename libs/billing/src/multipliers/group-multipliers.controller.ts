import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '@gateway/identity';
import { CreditAdmin, MultiplierReader } from '../billing-permissions';
import { GroupParamDto } from './dto/group-param.dto';
import { SetMultiplierDto } from './dto/set-multiplier.dto';
import { GroupMultipliersService } from './group-multipliers.service';
import { GroupMultiplierListView, GroupMultiplierView } from './views/group-multiplier.view';

@ApiTags('billing')
@ApiBearerAuth()
@Controller('api/groups')
export class GroupMultipliersController {
  constructor(private readonly multipliers: GroupMultipliersService) {}

  @CreditAdmin()
  @Get('multipliers')
  @ApiOperation({ summary: 'Every group whose multiplier was set (the others are at 1)' })
  @ApiOkResponse({ type: GroupMultiplierListView })
  list(): Promise<GroupMultiplierListView> {
    return this.multipliers.list();
  }

  @MultiplierReader()
  @Get(':group/multiplier')
  @ApiOperation({ summary: 'The group’s price multiplier (1 unless set)' })
  @ApiOkResponse({ type: GroupMultiplierView })
  get(@CurrentActor() actor: Actor, @Param() params: GroupParamDto): Promise<GroupMultiplierView> {
    return this.multipliers.get(actor, params.group);
  }

  @CreditAdmin()
  @Put(':group/multiplier')
  @ApiOperation({ summary: 'Set the group’s price multiplier from now on' })
  @ApiOkResponse({ type: GroupMultiplierView })
  set(
    @CurrentActor() actor: Actor,
    @Param() params: GroupParamDto,
    @Body() body: SetMultiplierDto,
  ): Promise<GroupMultiplierView> {
    return this.multipliers.set(actor, params.group, body);
  }
}

import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, CurrentActor } from '@gateway/identity';
import { ChannelAdmin } from '../channels-permissions';
import { RoutingGroupParamDto } from '../dto/routing-group-param.dto';
import { SetDefaultChainDto } from '../dto/set-default-chain.dto';
import { SetHashedSessionsDto } from '../dto/set-hashed-sessions.dto';
import { GroupRoutingView } from '../views/group-routing.view';
import { ModelChainsService } from './model-chains.service';

@ApiTags('model chains')
@ApiBearerAuth()
@Controller('api/groups')
export class GroupRoutingController {
  constructor(private readonly chains: ModelChainsService) {}

  @ChannelAdmin()
  @Get(':group/routing')
  @ApiOperation({
    summary: 'The group’s `auto` chain and whether conversations are recognised without a header',
  })
  @ApiOkResponse({ type: GroupRoutingView })
  get(@Param() params: RoutingGroupParamDto): Promise<GroupRoutingView> {
    return this.chains.groupRouting(params.group);
  }

  @ChannelAdmin()
  @Put(':group/default-chain')
  @ApiOperation({ summary: 'The chain `model: "auto"` means for the group (null: none)' })
  @ApiOkResponse({ type: GroupRoutingView })
  setDefaultChain(
    @CurrentActor() actor: Actor,
    @Param() params: RoutingGroupParamDto,
    @Body() body: SetDefaultChainDto,
  ): Promise<GroupRoutingView> {
    return this.chains.setDefaultChain(actor, params.group, body.chain);
  }

  @ChannelAdmin()
  @Put(':group/hashed-sessions')
  @ApiOperation({
    summary: 'Keep header-less conversations on their key (by their leading messages), or not',
  })
  @ApiOkResponse({ type: GroupRoutingView })
  setHashedSessions(
    @CurrentActor() actor: Actor,
    @Param() params: RoutingGroupParamDto,
    @Body() body: SetHashedSessionsDto,
  ): Promise<GroupRoutingView> {
    return this.chains.setHashedSessions(actor, params.group, body.enabled);
  }
}

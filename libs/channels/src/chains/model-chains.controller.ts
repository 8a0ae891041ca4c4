import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { UuidParam } from '@gateway/common/http';
import { Actor, CurrentActor } from '@gateway/identity';
import { ChannelAdmin } from '../channels-permissions';
import { CreateModelChainDto } from '../dto/create-model-chain.dto';
import { ListModelChainsQuery } from '../dto/list-model-chains.query';
import { UpdateModelChainDto } from '../dto/update-model-chain.dto';
import { ModelChainListView, ModelChainView } from '../views/model-chain.view';
import { ModelChainsService } from './model-chains.service';

@ApiTags('model chains')
@ApiBearerAuth()
@Controller('api/model-chains')
export class ModelChainsController {
  constructor(private readonly chains: ModelChainsService) {}

  @ChannelAdmin()
  @Get()
  @ApiOkResponse({ type: ModelChainListView })
  list(@Query() query: ListModelChainsQuery): Promise<ModelChainListView> {
    return this.chains.list(query);
  }

  @ChannelAdmin()
  @Post()
  @ApiOperation({ summary: 'A named, ordered list of models clients can ask for as one model' })
  @ApiCreatedResponse({ type: ModelChainView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateModelChainDto): Promise<ModelChainView> {
    return this.chains.create(actor, body);
  }

  @ChannelAdmin()
  @Get(':id')
  @ApiOkResponse({ type: ModelChainView })
  get(@Param('id', UuidParam) id: string): Promise<ModelChainView> {
    return this.chains.get(id);
  }

  @ChannelAdmin()
  @Patch(':id')
  @ApiOkResponse({ type: ModelChainView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() body: UpdateModelChainDto,
  ): Promise<ModelChainView> {
    return this.chains.update(actor, id, body);
  }

  @ChannelAdmin()
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'deleted; groups whose `auto` it was no longer serve `auto`' })
  async remove(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<void> {
    await this.chains.remove(actor, id);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { UuidParam } from '@gateway/common/http';
import { Actor, CurrentActor } from '@gateway/identity';
import { ChannelKeysService } from './channel-keys.service';
import { ChannelAdmin } from './channels-permissions';
import { CreateChannelKeysDto } from './dto/create-channel-keys.dto';
import { ListChannelKeysQuery } from './dto/list-channel-keys.query';
import { UpdateChannelKeyDto } from './dto/update-channel-key.dto';
import { ListKeyProbesQuery } from './dto/list-key-probes.query';
import { ChannelKeyListView, ChannelKeyView } from './views/channel-key.view';
import { ChannelKeyProbeListView, ChannelKeyProbeView } from './views/channel-key-probe.view';

@ApiTags('channel keys')
@ApiBearerAuth()
@ApiExtraModels(ChannelKeyView, ChannelKeyListView, ChannelKeyProbeView, ChannelKeyProbeListView)
@Controller('api/channels/:id/keys')
export class ChannelKeysController {
  constructor(private readonly keys: ChannelKeysService) {}

  @ChannelAdmin()
  @Get()
  @ApiOkResponse({ type: ChannelKeyListView })
  list(
    @Param('id', UuidParam) channelId: string,
    @Query() query: ListChannelKeysQuery,
  ): Promise<ChannelKeyListView> {
    return this.keys.list(channelId, query);
  }

  @ChannelAdmin()
  @Post()
  @ApiOperation({
    summary: 'Add one key ({key, …}) or many ({keys: [...], …}); all or nothing; keys are never returned',
  })
  @ApiCreatedResponse({
    description: 'one key: the key’s view; keys: {items, total}',
    schema: { oneOf: [{ $ref: getSchemaPath(ChannelKeyView) }, { $ref: getSchemaPath(ChannelKeyListView) }] },
  })
  async create(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) channelId: string,
    @Body() body: CreateChannelKeysDto,
  ): Promise<ChannelKeyView | ChannelKeyListView> {
    const created = await this.keys.create(actor, channelId, body);
    return body.keys !== undefined
      ? { items: created, total: created.length }
      : (created[0] as ChannelKeyView);
  }

  @ChannelAdmin()
  @Patch(':keyId')
  @ApiOkResponse({ type: ChannelKeyView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) channelId: string,
    @Param('keyId', UuidParam) keyId: string,
    @Body() body: UpdateChannelKeyDto,
  ): Promise<ChannelKeyView> {
    return this.keys.update(actor, channelId, keyId, body);
  }

  @ChannelAdmin()
  @Get(':keyId/probes')
  @ApiOperation({ summary: 'The key’s health probe history, newest first (kept PROBE_HISTORY_DAYS)' })
  @ApiOkResponse({ type: ChannelKeyProbeListView })
  probes(
    @Param('id', UuidParam) channelId: string,
    @Param('keyId', UuidParam) keyId: string,
    @Query() query: ListKeyProbesQuery,
  ): Promise<ChannelKeyProbeListView> {
    return this.keys.probes(channelId, keyId, query);
  }

  @ChannelAdmin()
  @Post(':keyId/reset-cooldown')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the key’s cooldown now, so the relay uses it on the next request (audited)' })
  @ApiOkResponse({ type: ChannelKeyView })
  resetCooldown(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) channelId: string,
    @Param('keyId', UuidParam) keyId: string,
  ): Promise<ChannelKeyView> {
    return this.keys.resetCooldown(actor, channelId, keyId);
  }

  @ChannelAdmin()
  @Delete(':keyId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) channelId: string,
    @Param('keyId', UuidParam) keyId: string,
  ): Promise<void> {
    await this.keys.remove(actor, channelId, keyId);
  }
}

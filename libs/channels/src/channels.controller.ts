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
import { ChannelTestService } from './channel-test.service';
import { ChannelAdmin } from './channels-permissions';
import { ChannelsService } from './channels.service';
import { CreateChannelDto } from './dto/create-channel.dto';
import { ListChannelsQuery } from './dto/list-channels.query';
import { TestChannelDto } from './dto/test-channel.dto';
import { UpdateChannelDto } from './dto/update-channel.dto';
import { ChannelPresetView } from './views/channel-preset.view';
import { ChannelTestResultView } from './views/channel-test-result.view';
import { ChannelListView, ChannelView } from './views/channel.view';

@ApiTags('channels')
@ApiBearerAuth()
@Controller('api/channels')
export class ChannelsController {
  constructor(
    private readonly channels: ChannelsService,
    private readonly tester: ChannelTestService,
  ) {}

  // Declared before ':id' so that "presets" is not taken for an id.
  @ChannelAdmin()
  @Get('presets')
  @ApiOperation({ summary: 'Base URLs of well-known providers' })
  @ApiOkResponse({ type: [ChannelPresetView] })
  presets(): ChannelPresetView[] {
    return this.channels.presets().map((preset) => ({ ...preset }));
  }

  @ChannelAdmin()
  @Get()
  @ApiOkResponse({ type: ChannelListView })
  list(@Query() query: ListChannelsQuery): Promise<ChannelListView> {
    return this.channels.list(query);
  }

  @ChannelAdmin()
  @Post()
  @ApiCreatedResponse({ type: ChannelView })
  create(@CurrentActor() actor: Actor, @Body() body: CreateChannelDto): Promise<ChannelView> {
    return this.channels.create(actor, body);
  }

  @ChannelAdmin()
  @Get(':id')
  @ApiOkResponse({ type: ChannelView })
  get(@Param('id', UuidParam) id: string): Promise<ChannelView> {
    return this.channels.get(id);
  }

  @ChannelAdmin()
  @Patch(':id')
  @ApiOkResponse({ type: ChannelView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidParam) id: string,
    @Body() body: UpdateChannelDto,
  ): Promise<ChannelView> {
    return this.channels.update(actor, id, body);
  }

  @ChannelAdmin()
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the channel and all its keys are deleted' })
  async remove(@CurrentActor() actor: Actor, @Param('id', UuidParam) id: string): Promise<void> {
    await this.channels.remove(actor, id);
  }

  @ChannelAdmin()
  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send one real minimal request upstream with a key; the result is stored as the key’s health',
  })
  @ApiOkResponse({ type: ChannelTestResultView })
  test(@Param('id', UuidParam) id: string, @Body() body: TestChannelDto): Promise<ChannelTestResultView> {
    return this.tester.test(id, body);
  }
}

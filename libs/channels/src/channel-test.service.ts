// "Test" a channel: one real, minimal request upstream with one of its keys; the finding is stored
// on the key and in its probe history (the worker's scheduled probes are in health/).
import { Injectable } from '@nestjs/common';
import { ChannelKeysService } from './channel-keys.service';
import { ChannelsError, ChannelsErrorCode } from './channels.errors';
import { ChannelsService } from './channels.service';
import { KeyHealthService } from './health/key-health.service';
import type { TestChannelDto } from './dto/test-channel.dto';
import { maskedKeyOf } from './keys/key-mask';
import { probeUpstream } from './probe/probe-upstream';
import { ChannelTestResultView } from './views/channel-test-result.view';

@Injectable()
export class ChannelTestService {
  constructor(
    private readonly channels: ChannelsService,
    private readonly keys: ChannelKeysService,
    private readonly health: KeyHealthService,
  ) {}

  async test(channelId: string, dto: TestChannelDto): Promise<ChannelTestResultView> {
    const channel = await this.channels.findOrFail(channelId);
    const model = dto.model ?? channel.models[0];
    if (model === undefined || !channel.models.includes(model)) {
      throw new ChannelsError(
        ChannelsErrorCode.ModelNotServed,
        `model must be one of the channel's models: ${channel.models.slice(0, 20).join(', ')}`,
      );
    }
    const key = await this.keys.pickForTest(channelId, dto.keyId);
    const upstreamModel = channel.modelMapping[model] ?? model;
    const result = await probeUpstream(
      { type: channel.type, baseUrl: channel.baseUrl, upstreamModel, settings: channel.settings },
      this.keys.decrypt(key),
      channel.timeoutMs,
    );
    const checkedAt = new Date();
    // Kept in the key's probe history; only the scheduled probes change its status.
    await this.health.record({ keyId: key.id, jobId: null, trigger: 'manual', result, checkedAt });
    return {
      ...result,
      model,
      upstreamModel,
      keyId: key.id,
      maskedKey: maskedKeyOf(key.keyHint),
      checkedAt: checkedAt.toISOString(),
    };
  }
}

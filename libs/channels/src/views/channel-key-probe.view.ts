import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import { ChannelKeyProbe, PROBE_TRIGGERS, ProbeTrigger } from '../entities/channel-key-probe.entity';
import { KEY_HEALTH } from '../entities/channel-key.entity';

const RESULTS = KEY_HEALTH.filter((h) => h !== 'unknown');

/** One probe of a key, from its history. */
export class ChannelKeyProbeView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) keyId!: string;
  @ApiProperty({ enum: PROBE_TRIGGERS, description: 'scheduled, early (a guessed cooldown), manual (test)' })
  trigger!: ProbeTrigger;
  @ApiProperty({ enum: RESULTS }) result!: ChannelKeyProbe['result'];
  @ApiProperty({ type: Number, nullable: true, description: 'the upstream’s HTTP status; null if none came' })
  httpStatus!: number | null;
  @ApiProperty() latencyMs!: number;
  @ApiProperty({ description: '"ok" or the upstream’s error, secrets masked' }) message!: string;
  @ApiProperty() checkedAt!: string;

  static of(row: ChannelKeyProbe): ChannelKeyProbeView {
    return {
      id: row.id,
      keyId: row.keyId,
      trigger: row.trigger,
      result: row.result,
      httpStatus: row.httpStatus,
      latencyMs: row.latencyMs,
      message: row.message,
      checkedAt: row.checkedAt.toISOString(),
    };
  }
}

export class ChannelKeyProbeListView extends PageOf(ChannelKeyProbeView) {}

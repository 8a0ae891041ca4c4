import { ApiProperty } from '@nestjs/swagger';
import { KEY_HEALTH } from '../entities/channel-key.entity';
import type { ProbeHealth } from '../probe/probe-classification';

export class ChannelTestResultView {
  @ApiProperty({ description: 'true when the key answered (result healthy)' }) ok!: boolean;
  @ApiProperty({ enum: KEY_HEALTH.filter((h) => h !== 'unknown') }) result!: ProbeHealth;
  @ApiProperty({ type: Number, nullable: true, description: 'upstream HTTP status; null when none came' })
  status!: number | null;
  @ApiProperty() latencyMs!: number;
  @ApiProperty({ description: 'upstream error text with every secret masked, or "ok"' }) message!: string;
  @ApiProperty({ description: 'the model as clients name it' }) model!: string;
  @ApiProperty({ description: 'the model sent upstream (after modelMapping)' }) upstreamModel!: string;
  @ApiProperty({ format: 'uuid' }) keyId!: string;
  @ApiProperty({ example: 'sk-…abcd' }) maskedKey!: string;
  @ApiProperty() checkedAt!: string;
}

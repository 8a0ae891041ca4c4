import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHANNEL_TYPES, ChannelType } from '../entities/channel.entity';

export class ChannelPresetView {
  @ApiProperty() id!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ enum: CHANNEL_TYPES }) type!: ChannelType;
  @ApiProperty() baseUrl!: string;
  @ApiPropertyOptional() note?: string;
}

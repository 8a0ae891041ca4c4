import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '@gateway/common/http';
import { ChannelStatus, CHANNEL_STATUSES } from '../entities/channel.entity';
import { KEY_HEALTH, KeyHealth } from '../entities/channel-key.entity';

export class ListChannelKeysQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CHANNEL_STATUSES })
  @IsOptional()
  @IsIn(CHANNEL_STATUSES)
  status?: ChannelStatus;

  @ApiPropertyOptional({ enum: KEY_HEALTH })
  @IsOptional()
  @IsIn(KEY_HEALTH)
  health?: KeyHealth;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '@gateway/common/http';
import { CHANNEL_STATUSES, CHANNEL_TYPES, ChannelStatus, ChannelType } from '../entities/channel.entity';

export class ListChannelsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CHANNEL_STATUSES })
  @IsOptional()
  @IsIn(CHANNEL_STATUSES)
  status?: ChannelStatus;

  @ApiPropertyOptional({ enum: CHANNEL_TYPES })
  @IsOptional()
  @IsIn(CHANNEL_TYPES)
  type?: ChannelType;

  @ApiPropertyOptional({ description: 'part of the name, case-insensitive' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '@gateway/common/http';
import { ChannelKeyProbe } from '../entities/channel-key-probe.entity';

const RESULTS = ['healthy', 'rate_limited', 'invalid', 'error'] as const;

/** A key's probe history, newest first. */
export class ListKeyProbesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: RESULTS })
  @IsOptional()
  @IsIn(RESULTS, { message: `result must be one of ${RESULTS.join(', ')}` })
  result?: ChannelKeyProbe['result'];
}

import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '@gateway/common/http';

export class ListModelsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'part of the model name, case-insensitive' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

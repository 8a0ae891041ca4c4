import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '@gateway/identity';

export class ListModelsQuery extends PageQueryDto {
  @ApiPropertyOptional({ description: 'part of the model name, case-insensitive' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

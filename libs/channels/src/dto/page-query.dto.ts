import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `?page&pageSize` of every list (page ≥ 1, pageSize 1..200). */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

export function pageOf(query: PageQueryDto): { skip: number; take: number } {
  const pageSize = query.pageSize ?? 50;
  return { skip: ((query.page ?? 1) - 1) * pageSize, take: pageSize };
}

// Priority and weight mean the same for a channel and for a key in its pool, so they validate alike.
import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Higher is tried first (as in NewAPI). */
export const PriorityField = () =>
  applyDecorators(
    ApiPropertyOptional({ minimum: -1000, maximum: 1000, default: 0, description: 'higher is tried first' }),
    IsOptional(),
    IsInt(),
    Min(-1000),
    Max(1000),
  );

/** Splits traffic within one priority. */
export const WeightField = () =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 1 }),
    IsOptional(),
    IsInt(),
    Min(1),
    Max(1000),
  );

import { MODEL_NAME_PATTERN } from '@gateway/channels';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, IsPositive, ValidateBy, ValidationOptions } from 'class-validator';
import { DEFAULT_QUOTA_PER_UNIT } from '../newapi-ratios';

export const MAX_IMPORTED_MODELS = 5000;

/** What is wrong with a `{model: ratio}` map, or null. */
export function ratioMapProblem(field: string, value: unknown, required: boolean): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `${field} must be an object of model name → ratio (a number ≥ 0)`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (required && entries.length === 0) return `${field} must name at least one model`;
  if (entries.length > MAX_IMPORTED_MODELS)
    return `${field} must have at most ${MAX_IMPORTED_MODELS} entries`;
  const bad = entries
    .filter(
      ([model, ratio]) =>
        !MODEL_NAME_PATTERN.test(model) || typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio < 0,
    )
    .map(([model]) => JSON.stringify(model));
  if (bad.length > 0) {
    return `${field} must map model names (1-200 characters, no whitespace) to numbers ≥ 0; bad: ${bad.slice(0, 10).join(', ')}`;
  }
  return null;
}

function IsRatioMap(required: boolean, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRatioMap',
      validator: {
        validate: (value: unknown, args) => ratioMapProblem(args?.property ?? '', value, required) === null,
        defaultMessage: (args) =>
          ratioMapProblem(args?.property ?? '', args?.value, required) ?? 'invalid ratio map',
      },
    },
    options,
  );
}

const RATIO_MAP_SCHEMA = { type: 'object', additionalProperties: { type: 'number', minimum: 0 } } as const;

/** NewAPI / one-api ratio settings, as its admin UI exports them (JSON numbers). */
export class ImportNewApiDto {
  @ApiProperty({
    ...RATIO_MAP_SCHEMA,
    example: { 'gpt-4o': 1.25, 'gpt-4o-mini': 0.075 },
    description: 'ModelRatio: 1 = $2 per 1M prompt tokens at the default QuotaPerUnit',
  })
  @IsRatioMap(true)
  modelRatio!: Record<string, number>;

  @ApiPropertyOptional({
    ...RATIO_MAP_SCHEMA,
    example: { 'gpt-4o': 4 },
    description: 'CompletionRatio: output price = input price × ratio (default 1)',
  })
  @IsOptional()
  @IsRatioMap(false)
  completionRatio?: Record<string, number>;

  @ApiPropertyOptional({
    ...RATIO_MAP_SCHEMA,
    example: { 'gpt-4o': 0.5 },
    description: 'CacheRatio: cached prompt price = input price × ratio (default 1)',
  })
  @IsOptional()
  @IsRatioMap(false)
  cacheRatio?: Record<string, number>;

  @ApiPropertyOptional({
    ...RATIO_MAP_SCHEMA,
    example: { 'dall-e-3': 0.04 },
    description:
      "ModelPrice: USD per call, instead of the model's ratios (as in NewAPI): per request, or per image for a dall-e model (at NewAPI's size and quality ratios)",
  })
  @IsOptional()
  @IsRatioMap(false)
  modelPrice?: Record<string, number>;

  @ApiPropertyOptional({ default: DEFAULT_QUOTA_PER_UNIT, description: 'QuotaPerUnit: quota per USD' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'quotaPerUnit must be a number' })
  @IsPositive({ message: 'quotaPerUnit must be greater than 0' })
  quotaPerUnit?: number;
}

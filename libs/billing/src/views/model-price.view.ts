import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@gateway/common/http';
import { nanoToUsd } from '@gateway/db';
import type { ModelPrice } from '../entities/model-price.entity';

/** A price as the API shows it: USD decimal strings. */
export class PriceView {
  @ApiProperty({ example: '2.5', description: 'USD per 1M uncached prompt tokens' }) inputPer1M!: string;
  @ApiProperty({ example: '1.25', description: 'USD per 1M cached prompt tokens' }) cachedInputPer1M!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: "USD per 1M prompt tokens written to the provider's cache; null: they cost inputPer1M",
  })
  cacheWritePer1M!: string | null;
  @ApiProperty({ example: '10', description: 'USD per 1M completion tokens' }) outputPer1M!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'USD per 1M reasoning tokens; null: they cost outputPer1M',
  })
  reasoningPer1M!: string | null;
  @ApiProperty({ example: '0', description: 'USD per request' }) perRequest!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'USD per image; null: not priced per image',
  })
  perImage!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    nullable: true,
    example: null,
    description: 'USD per image by size (or "size/quality"), overriding perImage',
  })
  perImageBySize!: Record<string, string> | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'USD per second of input audio' })
  perAudioSecond!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'USD per 1M characters of speech input',
  })
  charactersPer1M!: string | null;
  @ApiProperty() effectiveFrom!: string;

  static of(row: ModelPrice): PriceView {
    return {
      inputPer1M: nanoToUsd(row.inputPer1MNano),
      cachedInputPer1M: nanoToUsd(row.cachedInputPer1MNano),
      cacheWritePer1M: row.cacheWritePer1MNano === null ? null : nanoToUsd(row.cacheWritePer1MNano),
      outputPer1M: nanoToUsd(row.outputPer1MNano),
      reasoningPer1M: row.reasoningPer1MNano === null ? null : nanoToUsd(row.reasoningPer1MNano),
      perRequest: nanoToUsd(row.perRequestNano),
      perImage: nullableUsd(row.perImageNano),
      perImageBySize:
        row.perImageBySize === null
          ? null
          : Object.fromEntries(
              Object.entries(row.perImageBySize).map(([size, nano]) => [size, nanoToUsd(BigInt(nano))]),
            ),
      perAudioSecond: nullableUsd(row.perAudioSecondNano),
      charactersPer1M: nullableUsd(row.charactersPer1MNano),
      effectiveFrom: row.effectiveFrom.toISOString(),
    };
  }
}

/** One row of a model's price history. */
export class ModelPriceView extends PriceView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty() createdAt!: string;

  static override of(row: ModelPrice): ModelPriceView {
    return {
      id: row.id,
      model: row.model,
      ...PriceView.of(row),
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
    };
  }
}

export class ModelPriceListView extends PageOf(ModelPriceView) {}

function nullableUsd(nano: bigint | null): string | null {
  return nano === null ? null : nanoToUsd(nano);
}

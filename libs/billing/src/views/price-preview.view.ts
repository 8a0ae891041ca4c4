import { ApiProperty } from '@nestjs/swagger';
import { PriceView } from './model-price.view';

export class PreviewLineView {
  @ApiProperty({ description: 'tokens billed at this rate' }) tokens!: string;
  @ApiProperty({ description: 'USD per 1M tokens' }) ratePer1M!: string;
  @ApiProperty({ description: 'exact, before rounding (up to 15 decimal places)' }) costUsd!: string;
}

export class PreviewBreakdownView {
  @ApiProperty({
    type: PreviewLineView,
    description: 'promptTokens − cachedTokens − cacheWriteTokens at inputPer1M',
  })
  input!: PreviewLineView;
  @ApiProperty({ type: PreviewLineView }) cachedInput!: PreviewLineView;
  @ApiProperty({ type: PreviewLineView, description: 'cacheWriteTokens at cacheWritePer1M (or inputPer1M)' })
  cacheWrite!: PreviewLineView;
  @ApiProperty({ type: PreviewLineView, description: 'completionTokens − reasoningTokens at outputPer1M' })
  output!: PreviewLineView;
  @ApiProperty({ type: PreviewLineView, description: 'reasoningTokens at reasoningPer1M (or outputPer1M)' })
  reasoning!: PreviewLineView;
  @ApiProperty({ description: 'sum of the five, rounded half up to whole nano-USD' }) tokensUsd!: string;
  @ApiProperty() perRequestUsd!: string;
}

/** A request billed in another unit than tokens (images, audio seconds, characters). */
export class PreviewUnitLineView {
  @ApiProperty({ enum: ['tokens', 'images', 'audio_seconds', 'characters', 'requests'] }) unit!: string;
  @ApiProperty({ example: '2', description: 'units billed' }) quantity!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'USD per unit (per 1M for characters); null when billed by tokens or per request',
  })
  rate!: string | null;
  @ApiProperty({ description: 'what the request costs, per request fee included' }) costUsd!: string;
}

export class PricePreviewView {
  @ApiProperty() model!: string;
  @ApiProperty({ example: '0.008505', description: 'what such a request costs, in USD' }) costUsd!: string;
  @ApiProperty({ type: PreviewBreakdownView }) breakdown!: PreviewBreakdownView;
  @ApiProperty({ type: PriceView }) price!: PriceView;
  @ApiProperty({
    type: PreviewUnitLineView,
    nullable: true,
    description:
      "set when images, audioSeconds or characters were asked: the unit the request bills in (costUsd is then this line's)",
  })
  billed!: PreviewUnitLineView | null;
  @ApiProperty({
    example: 'token part rounded once, half up, to 0.000000001 USD; perRequest added after',
  })
  rounding!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ModelPriceView } from '../../views/model-price.view';

export class ImportedPriceView extends ModelPriceView {
  @ApiProperty({ description: 'true when a price was rounded (half up) to whole nano-USD' })
  rounded!: boolean;
}

export class KeptPriceView {
  @ApiProperty() model!: string;
  @ApiProperty({ example: 'changed here since the last import, and not in the source: left as set here' })
  reason!: string;
}

export class NewApiImportView {
  @ApiProperty({ example: '500000' }) quotaPerUnit!: string;
  @ApiProperty({ type: [ImportedPriceView], description: 'the prices added, effective now' })
  set!: ImportedPriceView[];
  @ApiProperty({ type: [String], description: 'models whose current price already was the converted one' })
  unchanged!: string[];
  @ApiProperty({
    type: [KeptPriceView],
    description:
      'a re-run of a migration: models whose price was changed here since the last import, left as they are',
  })
  kept!: KeptPriceView[];
  @ApiPropertyOptional({
    type: [String],
    description: 'a dry run of a migration: the models whose price the run would set (`set` stays empty)',
  })
  wouldSet?: string[];
  @ApiProperty({
    type: [String],
    description:
      'models named only in completionRatio or cacheRatio: without a model ratio there is no price',
  })
  ignored!: string[];
}

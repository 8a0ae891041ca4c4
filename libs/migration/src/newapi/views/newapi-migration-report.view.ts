import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NewApiImportView } from '@gateway/billing';

export class SkippedRowView {
  @ApiProperty({ description: 'the row id in the source table' }) sourceId!: string;
  @ApiProperty({ description: 'a name to recognise it by (channel or token name, username)' })
  label!: string;
  @ApiProperty() reason!: string;
}

export class KindReportView {
  @ApiProperty() read!: number;
  @ApiProperty({ description: 'made by this run (or, in a dry run, that it would make)' }) created!: number;
  @ApiProperty({ description: 'changed in the source since the last run, and updated' }) updated!: number;
  @ApiProperty({ description: 'imported before and unchanged since' }) unchanged!: number;
  @ApiProperty({ type: [SkippedRowView] }) skipped!: SkippedRowView[];
  @ApiProperty({
    type: [String],
    description: 'what was adapted on the way (dropped models, clamped values, …)',
  })
  notes!: string[];
}

export class ConvertedAmountView {
  @ApiProperty({ enum: ['balance', 'token_quota', 'redemption_code'] })
  kind!: 'balance' | 'token_quota' | 'redemption_code';
  @ApiProperty() sourceId!: string;
  @ApiProperty() label!: string;
  @ApiProperty({ description: 'quota units in the source', example: '1500000' }) quota!: string;
  @ApiProperty({ description: 'the same in USD (exact decimal)', example: '3' }) usd!: string;
  @ApiProperty({ description: 'true when a fraction of a nano-USD was rounded down' }) rounded!: boolean;
  @ApiPropertyOptional({
    description: 'balance only: what this run credited (the difference to what earlier runs did)',
    example: '3',
  })
  creditedUsd?: string;
}

export class GroupRatioView {
  @ApiProperty() group!: string;
  @ApiProperty({ example: '1.5' }) multiplier!: string;
  @ApiProperty({
    enum: ['set', 'unchanged', 'skipped', 'kept'],
    description: 'kept: a re-run found the multiplier changed here since the last import, and left it',
  })
  outcome!: 'set' | 'unchanged' | 'skipped' | 'kept';
  @ApiPropertyOptional() reason?: string;
}

export class NewApiMigrationReport {
  @ApiProperty({ description: 'true: nothing was written' }) dryRun!: boolean;
  @ApiProperty({ enum: ['sqlite', 'mysql', 'postgres'] }) dialect!: string;
  @ApiProperty({
    description: 'fingerprint of the source installation (how a re-run finds its earlier work)',
  })
  installation!: string;
  @ApiProperty({ example: '500000', description: 'quota units per USD used for every amount' })
  quotaPerUnit!: string;
  @ApiProperty({ type: KindReportView }) channels!: KindReportView;
  @ApiProperty({ description: 'provider keys added to the encrypted pools' }) keysAdded!: number;
  @ApiProperty({ type: KindReportView }) users!: KindReportView;
  @ApiProperty({ type: KindReportView }) tokens!: KindReportView;
  @ApiProperty({
    type: KindReportView,
    description: 'redemption codes not yet used in the source (redeemable here with the same code)',
  })
  redemptionCodes!: KindReportView;
  @ApiProperty({ type: [ConvertedAmountView] }) amounts!: ConvertedAmountView[];
  @ApiProperty({ type: [GroupRatioView] }) groups!: GroupRatioView[];
  @ApiPropertyOptional({
    type: NewApiImportView,
    nullable: true,
    description:
      'the prices set from ModelRatio & co. (in a dry run, those it would set: wouldSet; null when the source saved none)',
  })
  prices!: NewApiImportView | null;
  @ApiProperty({ description: 'models with a ModelRatio in the source (what a real run would price)' })
  pricedModels!: number;
  @ApiProperty({ type: [String], description: 'what was not imported at all, and why' })
  notImported!: string[];
}

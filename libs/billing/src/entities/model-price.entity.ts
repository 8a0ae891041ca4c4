import { bigintTransformer } from '@gateway/db';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The price of a model from `effectiveFrom` on. A change adds a row, never rewrites one, so a
 * request is always billed at the price in force when it started. Amounts are nano-USD.
 */
@Entity({ name: 'model_prices' })
@Index('model_prices_model_effective_key', ['model', 'effectiveFrom'], { unique: true })
export class ModelPrice {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'model_prices_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  model!: string;

  @Column({ name: 'input_per_1m_nano', type: 'bigint', transformer: bigintTransformer })
  inputPer1MNano!: bigint;

  @Column({ name: 'cached_input_per_1m_nano', type: 'bigint', transformer: bigintTransformer })
  cachedInputPer1MNano!: bigint;

  @Column({ name: 'output_per_1m_nano', type: 'bigint', transformer: bigintTransformer })
  outputPer1MNano!: bigint;

  /** Null: reasoning tokens cost the output price. */
  @Column({ name: 'reasoning_per_1m_nano', type: 'bigint', nullable: true, transformer: bigintTransformer })
  reasoningPer1MNano!: bigint | null;

  /** Per image on the images routes; null: not priced per image. */
  @Column({ name: 'per_image_nano', type: 'bigint', nullable: true, transformer: bigintTransformer })
  perImageNano!: bigint | null;

  /** Per image by size (`1024x1024`) or size and quality (`1024x1024/hd`): nano-USD as decimal strings. */
  @Column({ name: 'per_image_by_size', type: 'jsonb', nullable: true })
  perImageBySize!: Record<string, string> | null;

  /** Per second of input audio (transcriptions, translations). */
  @Column({ name: 'per_audio_second_nano', type: 'bigint', nullable: true, transformer: bigintTransformer })
  perAudioSecondNano!: bigint | null;

  /** Per 1M characters of speech input. */
  @Column({ name: 'characters_per_1m_nano', type: 'bigint', nullable: true, transformer: bigintTransformer })
  charactersPer1MNano!: bigint | null;

  /** Null: prompt tokens written to the provider's cache cost the input price. */
  @Column({ name: 'cache_write_per_1m_nano', type: 'bigint', nullable: true, transformer: bigintTransformer })
  cacheWritePer1MNano!: bigint | null;

  @Column({ name: 'per_request_nano', type: 'bigint', transformer: bigintTransformer })
  perRequestNano!: bigint;

  @Column({ name: 'effective_from', type: 'timestamptz' })
  effectiveFrom!: Date;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

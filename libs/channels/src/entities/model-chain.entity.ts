import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A model fallback chain: clients ask for its name (or `auto`, a group's default chain) and the relay
 * tries its models in order, each with its own channels and keys. `fallbackFor` names models whose
 * own candidates, once exhausted, fall back to this chain.
 */
@Entity({ name: 'model_chains' })
export class ModelChain {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'model_chains_pkey' })
  id!: string;

  @Index('model_chains_name_key', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The models to try, first first. */
  @Column({ type: 'text', array: true })
  models!: string[];

  @Column({ name: 'fallback_for', type: 'text', array: true, default: () => "'{}'" })
  fallbackFor!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

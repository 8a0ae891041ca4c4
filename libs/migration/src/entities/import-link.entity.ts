import { bigintTransformer } from '@gateway/db';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * What an import made of one source row: the source (e.g. `newapi`), which installation of it, the
 * kind and id of the row there, and our id for it. A re-run finds its earlier work here, so it
 * updates instead of creating twice.
 */
@Entity({ name: 'import_links' })
@Index('import_links_source_row_key', ['source', 'installation', 'kind', 'sourceId'], { unique: true })
export class ImportLink {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'import_links_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: string;

  /** A fingerprint of the source installation (see installationFingerprint). */
  @Column({ type: 'varchar', length: 64 })
  installation!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: string;

  @Column({ name: 'source_id', type: 'varchar', length: 64 })
  sourceId!: string;

  @Column({ name: 'target_id', type: 'uuid' })
  targetId!: string;

  /** SHA-256 of the source row's imported fields at the last run: unchanged rows are left alone. */
  @Column({ type: 'char', length: 64 })
  digest!: string;

  /** For a user: the opening credit posted so far (nano-USD), so a re-run posts only the difference. */
  @Column({ name: 'credited_nano', type: 'bigint', default: 0, transformer: bigintTransformer })
  creditedNano!: bigint;

  /** How many credit lines were posted for this row (the next line's ref). */
  @Column({ name: 'credit_count', type: 'integer', default: 0 })
  creditCount!: number;

  /** For a user: SHA-256 of the source password hash last imported (a change there is a new password). */
  @Column({ name: 'secret_digest', type: 'char', length: 64, nullable: true })
  secretDigest!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

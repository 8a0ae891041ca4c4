import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * One runtime setting an operator changed from the dashboard. A setting without a row takes its
 * default from the environment (see settings-schema.ts), so a fresh install needs no rows.
 */
@Entity({ name: 'settings' })
export class Setting {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'settings_pkey' })
  key!: string;

  @Column({ type: 'jsonb' })
  value!: unknown;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

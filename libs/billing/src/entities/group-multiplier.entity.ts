import { Check, Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * The price multiplier of a tenant group (NewAPI's group ratio): a request's cost is its price times
 * the multiplier of its tenant's group. A group without a row has multiplier 1.
 */
@Entity({ name: 'group_multipliers' })
@Check('group_multipliers_range_check', '"multiplier" > 0 AND "multiplier" <= 100')
export class GroupMultiplier {
  @PrimaryColumn({
    name: 'group',
    type: 'varchar',
    length: 64,
    primaryKeyConstraintName: 'group_multipliers_pkey',
  })
  group!: string;

  /** Exact decimal, at most 4 places; pg hands NUMERIC back as a string (e.g. "1.2500"). */
  @Column({ type: 'numeric', precision: 7, scale: 4 })
  multiplier!: string;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { ModelChain } from './model-chain.entity';

/** How the relay routes one tenant routing group: its `auto` chain and whether sessions are inferred. */
@Entity({ name: 'group_routing' })
export class GroupRouting {
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'group_routing_pkey' })
  group!: string;

  /** The chain `model: "auto"` means for this group; null: `auto` is not served. */
  @Column({ name: 'default_chain_id', type: 'uuid', nullable: true })
  defaultChainId!: string | null;

  @ManyToOne(() => ModelChain, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'default_chain_id', foreignKeyConstraintName: 'group_routing_default_chain_id_fkey' })
  defaultChain?: ModelChain | null;

  /**
   * Without `x-session-id`, recognise a conversation by a hash of its leading messages and keep it on
   * its key (prompt caches); false spreads every request.
   */
  @Column({ name: 'hashed_sessions', type: 'boolean', default: true })
  hashedSessions!: boolean;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

// The columns of a money row that a person may have written by hand (a top-up, a code batch): who,
// when, and their note. Null author: written by the system (a usage debit, a redemption).
import { Column, CreateDateColumn } from 'typeorm';

export abstract class AuthoredColumns {
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

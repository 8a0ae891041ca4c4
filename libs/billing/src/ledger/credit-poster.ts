// The BalanceChanged hook: every credit-side ledger line (top-up, adjustment, redemption, refund)
// is appended through here, and once its transaction has COMMITTED the hot path's Redis mirror is
// told, in credit_seq order. Telling it before the commit could credit money that a rollback then
// takes back; not telling it at all is repaired by the mirror (a gap in credit_seq makes it resync
// from tenant_balances), so a failed notification never fails the request.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { BalanceMirror } from '../balance/balance-mirror';
import { LedgerEntry } from '../entities/ledger-entry.entity';
import { appendLedgerLine, AppendedLine, isUsageSide, NewLedgerLine } from './ledger-writer';

export type CreditLine = NewLedgerLine & {
  kind: Exclude<NewLedgerLine['kind'], 'usage' | 'plan_allowance'>;
};

/** What a credit transaction may do: use the manager, and append credit-side lines. */
export interface CreditTransaction {
  manager: EntityManager;
  /** appendLedgerLine in this transaction; the mirror hears of the line after the commit. */
  append(line: CreditLine): Promise<AppendedLine>;
}

@Injectable()
export class CreditPoster {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mirror: BalanceMirror,
  ) {}

  /** Runs `work` in one transaction; after it commits, mirrors each credit line it appended. */
  async run<T>(work: (tx: CreditTransaction) => Promise<T>): Promise<T> {
    const credits: Pick<LedgerEntry, 'tenantId' | 'creditSeq' | 'amountNano'>[] = [];
    const result = await this.dataSource.transaction((manager) =>
      work({
        manager,
        append: async (line) => {
          if (isUsageSide(line.kind)) throw new RangeError('the usage side is not a credit');
          const entry = await appendLedgerLine(manager, line);
          if (entry) credits.push(entry);
          return entry;
        },
      }),
    );
    for (const { tenantId, creditSeq, amountNano } of credits) {
      // applyCredit never throws (BalanceMirror's contract); every credit-side line has a creditSeq.
      if (creditSeq !== null) await this.mirror.applyCredit(tenantId, creditSeq, amountNano);
    }
    return result;
  }
}

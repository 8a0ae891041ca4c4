// appendLedgerLine against the real PostgreSQL: however lines race, tenant_balances is the sum of
// the ledger, credit_seq numbers the credit side 1..n without gaps, and a ref is appended once.
import { randomUUID } from 'node:crypto';
import { dataSourceOptions, runPendingMigrations } from '@gateway/db';
import { createTestDatabase, TestDatabase } from '@gateway/testing';
import { DataSource } from 'typeorm';
import { LedgerEntry, LedgerKind } from '../entities/ledger-entry.entity';
import { TenantBalance } from '../entities/tenant-balance.entity';
import { appendLedgerLine, NewLedgerLine } from './ledger-writer';

describe('appendLedgerLine', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  const append = (line: NewLedgerLine) =>
    dataSource.transaction((manager) => appendLedgerLine(manager, line));

  /** What the ledger says, computed by PostgreSQL from the lines alone. */
  const ledgerSums = async (tenantId: string) => {
    const [row] = (await dataSource.query(
      `SELECT COALESCE(SUM(amount_nano), 0)::text AS balance,
              COALESCE(SUM(amount_nano) FILTER (WHERE kind <> 'usage'), 0)::text AS credits,
              COALESCE(-SUM(amount_nano) FILTER (WHERE kind = 'usage'), 0)::text AS debits,
              COUNT(*) FILTER (WHERE kind <> 'usage')::text AS credit_lines
         FROM ledger_entries WHERE tenant_id = $1`,
      [tenantId],
    )) as { balance: string; credits: string; debits: string; credit_lines: string }[];
    return {
      balanceNano: BigInt(row!.balance),
      creditsNano: BigInt(row!.credits),
      debitsNano: BigInt(row!.debits),
      creditSeq: BigInt(row!.credit_lines),
    };
  };
  const balanceRow = async (tenantId: string) => {
    const row = await dataSource.getRepository(TenantBalance).findOneByOrFail({ tenantId });
    return {
      balanceNano: row.balanceNano,
      creditsNano: row.creditsNano,
      debitsNano: row.debitsNano,
      creditSeq: row.creditSeq,
    };
  };

  beforeAll(async () => {
    db = await createTestDatabase('ledger-writer');
    dataSource = await new DataSource(
      dataSourceOptions({ url: db.url, entities: [LedgerEntry, TenantBalance], poolSize: 12 }),
    ).initialize();
    await runPendingMigrations(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('keeps tenant_balances equal to the sum of the ledger under concurrent mixed lines', async () => {
    const tenantId = randomUUID();
    const kinds: LedgerKind[] = ['topup', 'usage', 'adjustment', 'usage', 'refund', 'redemption', 'usage'];
    // A fixed pseudo-random mix (no Math.random: a failure must reproduce).
    const lines: NewLedgerLine[] = Array.from({ length: 60 }, (_, i) => {
      const kind = kinds[i % kinds.length]!;
      const magnitude = BigInt(((i * 7919) % 1000) + 1) * 1_000_003n;
      const amountNano = kind === 'usage' || (kind === 'adjustment' && i % 2 === 0) ? -magnitude : magnitude;
      return { tenantId, kind, amountNano, ref: kind === 'usage' ? `req-${i}` : null };
    });
    await Promise.all(lines.map(append));

    const expected = lines.reduce((sum, line) => sum + line.amountNano, 0n);
    expect(await balanceRow(tenantId)).toEqual(await ledgerSums(tenantId));
    expect((await balanceRow(tenantId)).balanceNano).toBe(expected);

    const seqs = (await dataSource.getRepository(LedgerEntry).findBy({ tenantId }))
      .filter((entry) => entry.kind !== 'usage')
      .map((entry) => Number(entry.creditSeq))
      .sort((a, b) => a - b);
    const creditLines = lines.filter((line) => line.kind !== 'usage').length;
    expect(seqs).toEqual(Array.from({ length: creditLines }, (_, i) => i + 1));
  });

  it('records each credit’s balance_after in credit_seq order', async () => {
    const tenantId = randomUUID();
    const amounts = Array.from({ length: 20 }, (_, i) => BigInt(i + 1) * 1_000_000_000n);
    await Promise.all(amounts.map((amountNano) => append({ tenantId, kind: 'topup', amountNano })));
    const entries = await dataSource
      .getRepository(LedgerEntry)
      .find({ where: { tenantId }, order: { creditSeq: 'ASC' } });
    let running = 0n;
    for (const entry of entries) {
      running += entry.amountNano;
      expect(entry.balanceAfterNano).toBe(running);
    }
    expect(running).toBe(amounts.reduce((a, b) => a + b, 0n));
  });

  it('appends a (tenant, kind, ref) once, even when the same line races itself', async () => {
    const tenantId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        append({ tenantId, kind: 'usage', amountNano: -5_000n, ref: 'req-once' }),
      ),
    );
    expect(results.filter((entry) => entry !== null)).toHaveLength(1);
    expect(await balanceRow(tenantId)).toEqual({
      balanceNano: -5_000n,
      creditsNano: 0n,
      debitsNano: 5_000n,
      creditSeq: 0n,
    });
    // The same ref under another kind is another line.
    expect(await append({ tenantId, kind: 'refund', amountNano: 5_000n, ref: 'req-once' })).not.toBeNull();
    expect((await balanceRow(tenantId)).balanceNano).toBe(0n);
  });

  it('leaves nothing behind when the caller’s transaction rolls back', async () => {
    const tenantId = randomUUID();
    await append({ tenantId, kind: 'topup', amountNano: 100n });
    await expect(
      dataSource.transaction(async (manager) => {
        await appendLedgerLine(manager, { tenantId, kind: 'topup', amountNano: 50n });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await balanceRow(tenantId)).toEqual({
      balanceNano: 100n,
      creditsNano: 100n,
      debitsNano: 0n,
      creditSeq: 1n,
    });
    expect(await ledgerSums(tenantId)).toEqual(await balanceRow(tenantId));
  });

  it('refuses a usage line that would credit', async () => {
    await expect(append({ tenantId: randomUUID(), kind: 'usage', amountNano: 1n })).rejects.toThrow(
      RangeError,
    );
  });
});

// appendLedgerLine against the real PostgreSQL: however lines race, tenant_balances is the sum of
// the ledger, credit_seq numbers the credit side 1..n without gaps, and a ref is appended once.
import { randomUUID } from 'node:crypto';
import { dataSourceOptions, runPendingMigrations } from '@gateway/db';
import { createTestDatabase, TestDatabase } from '@gateway/testing';
import { DataSource } from 'typeorm';
import { LedgerEntry, LedgerKind } from '../entities/ledger-entry.entity';
import { TenantBalance } from '../entities/tenant-balance.entity';
import { appendLedgerLine, appendUsageLines, NewLedgerLine, UsageLines } from './ledger-writer';

describe('appendLedgerLine', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  const append = (line: NewLedgerLine) =>
    dataSource.transaction((manager) => appendLedgerLine(manager, line));

  /**
   * What the ledger says, computed by PostgreSQL from the lines alone: `usage` and `plan_allowance`
   * lines are the usage side (debits), every other kind the credit side.
   */
  const ledgerSums = async (tenantId: string) => {
    const [row] = (await dataSource.query(
      `SELECT COALESCE(SUM(amount_nano), 0)::text AS balance,
              COALESCE(SUM(amount_nano) FILTER (WHERE NOT usage_side), 0)::text AS credits,
              COALESCE(-SUM(amount_nano) FILTER (WHERE usage_side), 0)::text AS debits,
              COUNT(*) FILTER (WHERE NOT usage_side)::text AS credit_lines
         FROM (SELECT amount_nano, kind IN ('usage', 'plan_allowance') AS usage_side
                 FROM ledger_entries WHERE tenant_id = $1) AS lines`,
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

  describe("appendUsageLines (the worker's batch, every tenant in one statement)", () => {
    const appendUsage = (lines: UsageLines[]) =>
      dataSource.transaction((manager) => appendUsageLines(manager, lines));

    const linesOf = async (tenantId: string) =>
      (
        await dataSource
          .getRepository(LedgerEntry)
          .find({ where: { tenantId }, order: { createdAt: 'ASC', kind: 'DESC' } })
      ).map(({ kind, amountNano, balanceAfterNano, creditSeq, ref, note }) => ({
        kind,
        amountNano,
        balanceAfterNano,
        creditSeq,
        ref,
        note,
      }));

    it('moves balances and writes lines exactly as appendLedgerLine does, line for line', async () => {
      const [byLine, byBatch] = [randomUUID(), randomUUID()];
      for (const tenantId of [byLine, byBatch]) await append({ tenantId, kind: 'topup', amountNano: 1_000n });
      await dataSource.transaction(async (manager) => {
        await appendLedgerLine(manager, {
          tenantId: byLine,
          kind: 'usage',
          amountNano: -300n,
          note: 'usage of 3 requests',
        });
        await appendLedgerLine(manager, {
          tenantId: byLine,
          kind: 'plan_allowance',
          amountNano: 120n,
          note: "covered by the plan's included allowance (usage of 3 requests)",
        });
      });
      await appendUsage([{ tenantId: byBatch, debitNano: 300n, coveredNano: 120n, requests: 3 }]);

      expect(await balanceRow(byBatch)).toEqual(await balanceRow(byLine));
      expect(await balanceRow(byBatch)).toEqual({
        balanceNano: 820n,
        creditsNano: 1_000n,
        debitsNano: 180n,
        creditSeq: 1n,
      });
      expect(await linesOf(byBatch)).toEqual(await linesOf(byLine));
      expect((await linesOf(byBatch)).map((line) => line.balanceAfterNano)).toEqual([1_000n, 700n, 820n]);
    });

    it('creates a balance row on first use and writes no allowance line when nothing was covered', async () => {
      const tenantId = randomUUID();
      await appendUsage([{ tenantId, debitNano: 42n, coveredNano: 0n, requests: 1 }]);
      expect(await balanceRow(tenantId)).toEqual({
        balanceNano: -42n,
        creditsNano: 0n,
        debitsNano: 42n,
        creditSeq: 0n,
      });
      expect(await linesOf(tenantId)).toEqual([
        {
          kind: 'usage',
          amountNano: -42n,
          balanceAfterNano: -42n,
          creditSeq: null,
          ref: null,
          note: 'usage of 1 request',
        },
      ]);
    });

    it('keeps every tenant_balances row equal to its ledger while batches of many tenants race credits', async () => {
      const tenants = Array.from({ length: 12 }, () => randomUUID());
      // Overlapping batches in opposite tenant orders (a worker sorts them), and credits through
      // appendLedgerLine in between: nothing may deadlock, nothing may be lost.
      const batches: UsageLines[][] = Array.from({ length: 16 }, (_, b) => {
        const picked = tenants.filter((_, t) => (t + b) % 3 !== 0);
        const ordered = b % 2 === 0 ? picked : [...picked].reverse();
        return ordered.map((tenantId, t) => ({
          tenantId,
          debitNano: BigInt(((b * 31 + t * 7) % 50) + 1) * 1_000n,
          coveredNano: (b + t) % 4 === 0 ? BigInt((b % 5) + 1) * 100n : 0n,
          requests: (t % 3) + 1,
        }));
      });
      const credits = tenants.map((tenantId, t) => ({
        tenantId,
        kind: 'topup' as const,
        amountNano: BigInt(t + 1) * 10_000n,
      }));
      await Promise.all([...batches.map(appendUsage), ...credits.map(append)]);

      for (const [t, tenantId] of tenants.entries()) {
        const mine = batches.flat().filter((line) => line.tenantId === tenantId);
        const debits = mine.reduce((sum, line) => sum + line.debitNano - line.coveredNano, 0n);
        expect(await balanceRow(tenantId)).toEqual(await ledgerSums(tenantId));
        expect(await balanceRow(tenantId)).toEqual({
          balanceNano: BigInt(t + 1) * 10_000n - debits,
          creditsNano: BigInt(t + 1) * 10_000n,
          debitsNano: debits,
          creditSeq: 1n,
        });
        const lines = await linesOf(tenantId);
        expect(lines.filter((line) => line.kind === 'usage')).toHaveLength(mine.length);
        expect(lines.filter((line) => line.kind === 'plan_allowance')).toHaveLength(
          mine.filter((line) => line.coveredNano > 0n).length,
        );
      }
    });

    it('refuses a negative debit or cover, writes nothing for an empty batch and sums a tenant named twice', async () => {
      const tenantId = randomUUID();
      await expect(appendUsage([{ tenantId, debitNano: -1n, coveredNano: 0n, requests: 1 }])).rejects.toThrow(
        RangeError,
      );
      await expect(appendUsage([{ tenantId, debitNano: 5n, coveredNano: -1n, requests: 1 }])).rejects.toThrow(
        RangeError,
      );
      await appendUsage([]);
      await appendUsage([{ tenantId, debitNano: 0n, coveredNano: 0n, requests: 1 }]);
      expect(await dataSource.getRepository(TenantBalance).findOneBy({ tenantId })).toBeNull();
      // Named twice in one batch: one tenant, its lines summed.
      const twice = randomUUID();
      await appendUsage([
        { tenantId: twice, debitNano: 10n, coveredNano: 0n, requests: 1 },
        { tenantId: twice, debitNano: 5n, coveredNano: 3n, requests: 2 },
      ]);
      expect(await balanceRow(twice)).toEqual({
        balanceNano: -12n,
        creditsNano: 0n,
        debitsNano: 12n,
        creditSeq: 0n,
      });
      expect(
        (await linesOf(twice)).map(({ kind, amountNano, note }) => ({ kind, amountNano, note })),
      ).toEqual([
        { kind: 'usage', amountNano: -15n, note: 'usage of 3 requests' },
        {
          kind: 'plan_allowance',
          amountNano: 3n,
          note: "covered by the plan's included allowance (usage of 3 requests)",
        },
      ]);
      expect(await linesOf(tenantId)).toEqual([]);
    });
  });
});

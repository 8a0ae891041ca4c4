// Invoices end to end on the real PostgreSQL and Redis: usage that went the real way in (the api's
// UsageRecorder → Redis stream → UsageIngestor), the api enqueueing, two invoice workers (BullMQ)
// issuing and rendering, the PDF read back as text. Totals are checked against the ledger to the
// nano-dollar; numbers are checked gapless under racing workers; roles are checked on every read.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { AuditLog } from '@gateway/audit';
import { appendLedgerLine, type LedgerKind } from '@gateway/billing';
import { nanoToUsd } from '@gateway/db';
import { Role, Tenant } from '@gateway/identity';
import {
  CLOSE_INVOICE_PERIODS_JOB,
  CloseInvoicePeriodsJob,
  CreditNoteIssuer,
  Invoice,
  InvoiceCounter,
  InvoiceGenerator,
  InvoicePdf,
  InvoiceSettlement,
  InvoicePdfs,
  InvoicesProcessor,
  enqueueGenerateInvoice,
  invoiceWindow,
  periodOf,
  previousPeriod,
  takeNumber,
} from '@gateway/invoices';
import { QueueName, REDIS, redisOptionsFromUrl } from '@gateway/redis';
import { waitFor } from '@gateway/testing';
import { UsageEvent, UsageIngestor, UsageRecorder } from '@gateway/usage';
import { Queue, Worker } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant as seedTenantNow, Session, sessionAs, usageEvent } from '../fixtures';
import { pdfText } from './pdf-text';
import { startInvoiceWorker } from './invoice-worker';

/** Tenants here are invoiced for past months, so they must have existed then (a year back is plenty). */
const seedTenant: typeof seedTenantNow = (api, overrides = {}) =>
  seedTenantNow(api, { createdAt: new Date(Date.now() - 400 * 86_400_000), ...overrides });

const CHINESE_TENANT = '北京示例科技有限公司';
const CHINESE_MODEL = '深度求索-对话';

interface LineBody {
  kind: string;
  description: string;
  model: string | null;
  requests: number | null;
  inputTokens: string | null;
  cachedTokens: string | null;
  cacheWriteTokens: string | null;
  outputTokens: string | null;
  amountUsd: string;
}

interface InvoiceBody {
  id: string;
  kind: string;
  number: string;
  tenantId: string;
  period: string;
  status: string;
  currency: string;
  billingName: string;
  billingEmail: string | null;
  lines: LineBody[];
  payments: { kind: string; amountUsd: string; note: string | null }[];
  settlements: { id: string; amountUsd: string; reference: string; source: string; paidAt: string }[];
  subtotalUsd: string;
  taxRate: string;
  taxUsd: string;
  totalUsd: string;
  roundedUsd: { lines: string[]; subtotal: string; tax: string; total: string } & Record<string, unknown>;
  creditNoteOf: string | null;
  reason: string | null;
  issuedAt: string;
  pdfReady: boolean;
}

/** USD decimal string → nano (signed). */
const nano = (usd: string): bigint => {
  const negative = usd.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? usd.slice(1) : usd).split('.');
  const value = BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
  return negative ? -value : value;
};

describe('invoices', () => {
  let api: ApiHarness;
  let db: DataSource;
  let workers: INestApplicationContext[] = [];
  let root: Session;
  let tokenSeq = 0;

  /** Stores usage events the real way in, then dates them (records and their ledger lines) at `at`. */
  const ingestAt = async (tenant: Tenant, at: Date, events: Partial<UsageEvent>[]) => {
    const [{ now: marker }] = (await db.query('SELECT now() AS now')) as { now: Date }[];
    const recorder = api.app.get(UsageRecorder);
    const ids: string[] = [];
    for (const over of events) {
      const requestId = `req-${tenant.id.slice(0, 8)}-${++tokenSeq}`;
      ids.push(requestId);
      recorder.record(
        usageEvent({
          requestId,
          startedAt: at.toISOString(),
          tenantId: tenant.id,
          tokenId: '00000000-0000-4000-8000-000000000001',
          promptTokens: 100,
          completionTokens: 10,
          costNano: '1',
          latencyMs: 10,
          ...over,
        }),
      );
    }
    await recorder.flush();
    const ingestor = new UsageIngestor(api.app.get(REDIS), db, api.config);
    let stored = 0;
    for (let round = await ingestor.ingestOnce(); round.read > 0; round = await ingestor.ingestOnce()) {
      stored += round.inserted;
    }
    expect(stored).toBe(events.length);
    // What makes an invoice exact: a stored batch's records and its ledger debit carry the same
    // created_at (one transaction's now()), and the debit is the sum of the records' costs.
    const stamped = async (sql: string, params: unknown[]) =>
      ((await db.query(sql, params)) as { at: Date; cost: string }[]).map((r) => [
        r.at.toISOString(),
        r.cost,
      ]);
    const records = await stamped(
      `SELECT created_at AS at, sum(greatest(cost_nano, 0))::text AS cost FROM usage_records
       WHERE request_id = ANY($1) GROUP BY created_at ORDER BY created_at`,
      [ids],
    );
    const debits = await stamped(
      `SELECT created_at AS at, (-sum(amount_nano))::text AS cost FROM ledger_entries
       WHERE tenant_id = $1 AND kind = 'usage' AND created_at >= $2 GROUP BY created_at ORDER BY created_at`,
      [tenant.id, marker],
    );
    expect(debits).toEqual(records.filter(([, cost]) => cost !== '0'));
    // Test-only time travel: move the batch's records and ledger lines together.
    await db.query(`UPDATE usage_records SET created_at = $1 WHERE request_id = ANY($2)`, [at, ids]);
    await db.query(`UPDATE ledger_entries SET created_at = $1 WHERE tenant_id = $2 AND created_at >= $3`, [
      at,
      tenant.id,
      marker,
    ]);
  };

  /** A credit-side (or plan_allowance) ledger line dated `at`. */
  const ledgerLineAt = async (tenant: Tenant, at: Date, kind: string, amountNano: bigint, note: string) => {
    const line = await db.transaction((manager) =>
      appendLedgerLine(manager, { tenantId: tenant.id, kind: kind as LedgerKind, amountNano, note }),
    );
    await db.query(`UPDATE ledger_entries SET created_at = $1 WHERE id = $2`, [at, line!.id]);
  };

  /** −Σ ledger usage debits of the tenant in [start, end), straight from the table. */
  const ledgerUsage = async (tenantId: string, start: Date, end: Date): Promise<bigint> => {
    const [row] = (await db.query(
      `SELECT coalesce(-sum(amount_nano), 0)::text AS s FROM ledger_entries
       WHERE tenant_id = $1 AND kind = 'usage' AND created_at >= $2 AND created_at < $3`,
      [tenantId, start, end],
    )) as { s: string }[];
    return BigInt(row!.s);
  };

  const waitIssued = async (session: Session, id: string): Promise<InvoiceBody> =>
    waitFor(
      `invoice ${id} issued with its PDF`,
      async () => {
        const res = await session.get(`/api/invoices/${id}`);
        // Settled: the PDF stored and the email's fate known (skipped here: no SMTP server is set).
        const body = res.body as InvoiceBody & { delivery: { status: string } | null };
        return res.status === 200 && body.pdfReady && body.delivery && body.delivery.status !== 'pending'
          ? (res.body as InvoiceBody)
          : undefined;
      },
      25_000,
    );

  const download = (session: Session, id: string) =>
    session
      .get(`/api/invoices/${id}/pdf`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  const now = new Date();
  /** Two months back in Shanghai: closed, and clear of the current one. */
  const shanghaiPeriod = previousPeriod(previousPeriod(periodOf(now, 'Asia/Shanghai')));

  beforeAll(async () => {
    api = await startApi('invoices');
    db = api.app.get(DataSource);
    workers = [
      await startInvoiceWorker(api, 'invoices-test-worker'),
      await startInvoiceWorker(api, 'invoices-test-worker'),
    ];
    // A new schedule runs its first period close at once; let it finish so it cannot race the tests.
    const queue = workers[0]!.get<Queue>(getQueueToken(QueueName.Invoices));
    await waitFor('the first scheduled period close', async () =>
      (await queue.getJobCounts('completed')).completed >= 1 ? true : undefined,
    );
    root = await sessionAs(api, Role.SuperAdmin, null);
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await api.close();
  });

  describe('a Chinese tenant’s month', () => {
    let tenant: Tenant;
    let finance: Session;
    let invoice: InvoiceBody;
    const window = () => invoiceWindow(shanghaiPeriod, 'Asia/Shanghai');

    beforeAll(async () => {
      tenant = await seedTenant(api, {
        name: CHINESE_TENANT,
        timezone: 'Asia/Shanghai',
        billingEmail: 'finance@example.cn',
      });
      finance = await sessionAs(api, Role.Finance, tenant.id);
      const { start, end } = window();
      const inside = new Date(start.getTime() + 10 * 86_400_000);
      // In the period: several batches, two models (one Chinese), costs that do not round.
      await ingestAt(tenant, start, [{ model: CHINESE_MODEL, costNano: '123456789', promptTokens: 1000 }]);
      await ingestAt(tenant, inside, [
        {
          model: 'gpt-4o-mini',
          costNano: '1000000001',
          promptTokens: 2000,
          cachedTokens: 500,
          cacheWriteTokens: 200,
          completionTokens: 300,
        },
        { model: CHINESE_MODEL, costNano: '7', promptTokens: 3, completionTokens: 4 },
        {
          model: 'gpt-4o-mini',
          costNano: '0',
          status: 502,
          errorCode: 'upstream_error',
          usageSource: 'none',
        },
      ]);
      await ingestAt(tenant, new Date(end.getTime() - 1), [{ model: 'gpt-4o-mini', costNano: '999' }]);
      // Outside it: the instant it ends, before it starts, and today.
      await ingestAt(tenant, end, [{ model: 'gpt-4o-mini', costNano: '5000000000' }]);
      await ingestAt(tenant, new Date(start.getTime() - 1), [
        { model: CHINESE_MODEL, costNano: '6000000000' },
      ]);
      await ingestAt(tenant, now, [{ model: 'gpt-4o-mini', costNano: '7000000000' }]);
      await ledgerLineAt(tenant, inside, 'topup', 50_000_000_000n, '银行转账 wire');
      await ledgerLineAt(tenant, end, 'topup', 1_000_000_000n, 'next month');

      const res = await finance.post('/api/invoices/generate', { period: shanghaiPeriod }).expect(202);
      expect(res.body).toEqual({
        id: expect.any(String),
        tenantId: tenant.id,
        period: shanghaiPeriod,
        status: 'queued',
        invoice: null,
      });
      invoice = await waitIssued(finance, res.body.id);
    });

    it('has a line per model with its tokens, summing exactly to the ledger’s usage debits of the period', async () => {
      const { start, end } = window();
      expect(invoice).toMatchObject({
        kind: 'invoice',
        tenantId: tenant.id,
        period: shanghaiPeriod,
        // Every request was debited from the prepaid balance, and there is no tax and no plan's fee:
        // nothing is left to pay, so it is paid at issue (by a `balance` settlement).
        status: 'paid',
        paidUsd: '1.123457796',
        balanceDueUsd: '0',
        currency: 'USD',
        billingName: CHINESE_TENANT,
        billingEmail: 'finance@example.cn',
        taxRate: '0',
        taxUsd: '0',
        pdfReady: true,
      });
      expect(invoice.number).toMatch(new RegExp(`^INV-${now.getUTCFullYear()}-\\d{6}$`));
      expect(invoice.lines).toEqual([
        {
          kind: 'usage',
          description: 'gpt-4o-mini',
          model: 'gpt-4o-mini',
          requests: 3,
          inputTokens: '2200',
          cachedTokens: '500',
          cacheWriteTokens: '200',
          outputTokens: '320',
          unitPrices: null, // no price rows in this suite: the cost came with the usage
          amountUsd: '1.000001',
        },
        {
          kind: 'usage',
          description: CHINESE_MODEL,
          model: CHINESE_MODEL,
          requests: 2,
          inputTokens: '1003',
          cachedTokens: '0',
          cacheWriteTokens: '0',
          outputTokens: '14',
          unitPrices: null, // no price rows in this suite: the cost came with the usage
          amountUsd: '0.123456796',
        },
      ]);
      const sumOfLines = invoice.lines.reduce((sum, line) => sum + nano(line.amountUsd), 0n);
      expect(nano(invoice.subtotalUsd)).toBe(sumOfLines);
      expect(nano(invoice.totalUsd)).toBe(sumOfLines);
      expect(sumOfLines).toBe(await ledgerUsage(tenant.id, start, end));
      expect(sumOfLines).toBe(1_123_457_796n);
      expect(invoice.settlements).toEqual([
        {
          id: expect.any(String),
          amountUsd: '1.123457796',
          reference: 'prepaid-usage',
          source: 'balance',
          paidAt: invoice.issuedAt,
          reversedUsd: '0',
        },
      ]);
      // Top-ups are shown, not counted; the one of the next month is not there.
      expect(invoice.payments).toEqual([
        expect.objectContaining({ kind: 'topup', amountUsd: '50', note: '银行转账 wire' }),
      ]);
    });

    it('the PDF carries the number, the Chinese name, each line and the total', async () => {
      const res = await download(finance, invoice.id).expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${invoice.number}.pdf"`);
      const pdf = res.body as Buffer;
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      // Kept for a person to look at (test-artifacts/ is not committed).
      const artifacts = join(__dirname, '../../../../test-artifacts/invoices');
      mkdirSync(artifacts, { recursive: true });
      writeFileSync(join(artifacts, `${invoice.number}.pdf`), pdf);
      const { text } = await pdfText(pdf);
      expect(text).toContain(invoice.number);
      expect(text).toContain(CHINESE_TENANT);
      expect(text).toContain('finance@example.cn');
      expect(text).toContain(CHINESE_MODEL);
      expect(text).toContain('gpt-4o-mini');
      // Stated to the cent (the view's exact amounts are not on the document).
      for (const line of invoice.roundedUsd.lines) expect(text).toContain(line);
      expect(text).toMatch(new RegExp(`Total\\s+${invoice.roundedUsd.total.replace('.', '\\.')}`));
      expect(text).not.toContain(invoice.totalUsd);
      expect(text).toContain('银行转账 wire');
    });

    it('asking again returns the same invoice (200), and the list exposes its id', async () => {
      const again = await finance.post('/api/invoices/generate', { period: shanghaiPeriod }).expect(200);
      expect(again.body).toMatchObject({
        id: invoice.id,
        status: 'issued',
        invoice: { number: invoice.number },
      });
      const bySuper = await root
        .post('/api/invoices/generate', { tenantId: tenant.id, period: shanghaiPeriod })
        .expect(200);
      expect(bySuper.body.invoice.number).toBe(invoice.number);
      expect(await db.getRepository(Invoice).countBy({ tenantId: tenant.id })).toBe(1);
      expect(await db.getRepository(InvoiceSettlement).countBy({ invoiceId: invoice.id })).toBe(1);

      const list = await finance.get('/api/invoices').expect(200);
      expect(list.body).toEqual({ items: [invoice], total: 1 });
      const filtered = await root
        .get(`/api/invoices?tenantId=${tenant.id}&period=${shanghaiPeriod}`)
        .expect(200);
      expect(filtered.body.items.map((i: InvoiceBody) => i.id)).toEqual([invoice.id]);
      const audit = await db
        .getRepository(AuditLog)
        .findOneByOrFail({ entityType: 'invoice', entityId: invoice.id });
      expect(audit).toMatchObject({ action: 'create', tenantId: tenant.id, actorUserId: finance.user.id });
    });

    it('finance, owner and super admins read it and its PDF; admin and member get 403; another tenant 404', async () => {
      const owner = await sessionAs(api, Role.Owner, tenant.id);
      for (const session of [finance, owner, root]) {
        await session.get(`/api/invoices/${invoice.id}`).expect(200);
        await download(session, invoice.id).expect(200);
      }
      for (const role of [Role.Admin, Role.Member]) {
        const session = await sessionAs(api, role, tenant.id);
        await session.get(`/api/invoices/${invoice.id}`).expect(403);
        await session.get(`/api/invoices/${invoice.id}/pdf`).expect(403);
        await session.get('/api/invoices').expect(403);
        await session.post('/api/invoices/generate', { period: shanghaiPeriod }).expect(403);
      }
      const other = await seedTenant(api);
      const otherFinance = await sessionAs(api, Role.Finance, other.id);
      await otherFinance.get(`/api/invoices/${invoice.id}`).expect(404);
      await otherFinance.get(`/api/invoices/${invoice.id}/pdf`).expect(404);
      await otherFinance.get(`/api/invoices?tenantId=${tenant.id}`).expect(404);
      expect((await otherFinance.get('/api/invoices').expect(200)).body).toEqual({ items: [], total: 0 });
      await otherFinance
        .post('/api/invoices/generate', { tenantId: tenant.id, period: shanghaiPeriod })
        .expect(404);
      await request(api.url).get(`/api/invoices/${invoice.id}/pdf`).expect(401);
    });

    it('is immutable: no route changes it, and the database refuses updates and deletes', async () => {
      for (const method of ['put', 'patch', 'delete'] as const) {
        const res = await request(api.url)
          [method](`/api/invoices/${invoice.id}`)
          .set('authorization', `Bearer ${root.token}`)
          .send({ totalUsd: '0' });
        expect(res.status).toBe(404);
      }
      await expect(
        db.query(`UPDATE invoices SET total_nano = 0, subtotal_nano = 0 WHERE id = $1`, [invoice.id]),
      ).rejects.toThrow(/immutable/);
      await expect(db.query(`DELETE FROM invoices WHERE id = $1`, [invoice.id])).rejects.toThrow(/immutable/);
      await expect(
        db.query(`UPDATE invoice_pdfs SET content = '' WHERE invoice_id = $1`, [invoice.id]),
      ).rejects.toThrow(/immutable/);
      expect((await finance.get(`/api/invoices/${invoice.id}`).expect(200)).body).toEqual(invoice);
    });

    it('is corrected by credit notes: numbered on their own, negative, never beyond the invoice', async () => {
      const res = await root
        .post(`/api/invoices/${invoice.id}/credit-note`, {
          reason: '重复计费 double-counted',
          amountUsd: '0.123457796',
        })
        .expect(202);
      expect(res.body).toMatchObject({
        tenantId: tenant.id,
        period: shanghaiPeriod,
        status: 'queued',
        invoice: null,
      });
      const note = await waitIssued(finance, res.body.id);
      expect(note).toMatchObject({
        kind: 'credit_note',
        number: `CN-${now.getUTCFullYear()}-000001`,
        creditNoteOf: invoice.id,
        reason: '重复计费 double-counted',
        billingName: CHINESE_TENANT,
        subtotalUsd: '-0.123457796',
        totalUsd: '-0.123457796',
        lines: [expect.objectContaining({ kind: 'credit', amountUsd: '-0.123457796' })],
      });
      const { text } = await pdfText((await download(finance, note.id).expect(200)).body as Buffer);
      expect(text).toContain(note.number);
      expect(text).toContain(invoice.number);
      expect(text).toContain('重复计费 double-counted');
      expect(text).toContain('-0.12');
      expect(text).not.toContain('-0.123457796');

      // What is left (exactly 1 USD) can be credited, by two racing requests only once.
      const issuer = workers[0]!.get(CreditNoteIssuer);
      const racing = await Promise.allSettled(
        ['a', 'b'].map((x) =>
          issuer.issue({
            id: randomUUID(),
            invoiceId: invoice.id,
            reason: `race ${x}`,
            amountNano: '700000000',
          }),
        ),
      );
      expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rest = await root
        .post(`/api/invoices/${invoice.id}/credit-note`, { reason: 'the rest' })
        .expect(202);
      expect((await waitIssued(root, rest.body.id)).subtotalUsd).toBe('-0.3');
      const over = await root
        .post(`/api/invoices/${invoice.id}/credit-note`, { reason: 'more', amountUsd: '0.000000001' })
        .expect(400);
      expect(over.body).toMatchObject({
        code: 'credit_exceeds_invoice',
        errors: [{ field: 'amountUsd', messages: [expect.stringContaining(invoice.number)] }],
      });
      await root.post(`/api/invoices/${note.id}/credit-note`, { reason: 'x' }).expect(409);
      await finance.post(`/api/invoices/${invoice.id}/credit-note`, { reason: 'x' }).expect(403);
      for (const body of [{}, { reason: '  ' }, { reason: 5 }]) {
        const bad = await root.post(`/api/invoices/${invoice.id}/credit-note`, body).expect(400);
        expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
      }
      for (const amountUsd of ['0', '-1', 1, '1e3', '0.0000000001']) {
        const bad = await root
          .post(`/api/invoices/${invoice.id}/credit-note`, { reason: 'x', amountUsd })
          .expect(400);
        expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['amountUsd']);
      }
      // The invoice itself never changed, only where it stands: credited in full, nothing left to pay,
      // and what the prepaid balance paid for it given back there, credit note by credit note.
      expect((await finance.get(`/api/invoices/${invoice.id}`).expect(200)).body).toEqual({
        ...invoice,
        status: 'credited',
        amountDueUsd: '0',
        paidUsd: '0',
        balanceDueUsd: '0',
        // The credit notes' stated totals (-0.12, -1.00) take the stated 1.12 to nothing.
        roundedUsd: { ...invoice.roundedUsd, amountDue: '0.00', paid: '0.00', balanceDue: '0.00' },
      });
      const refunds = (await db.query(
        `SELECT amount_nano::text AS amount FROM ledger_entries
         WHERE tenant_id = $1 AND kind = 'refund' ORDER BY credit_seq`,
        [tenant.id],
      )) as { amount: string }[];
      expect(refunds.map((row) => row.amount)).toEqual(['123457796', '700000000', '300000000']);
      const [books] = (await db.query(
        `SELECT b.balance_nano::text AS balance,
                (SELECT sum(amount_nano) FROM ledger_entries WHERE tenant_id = $1)::text AS ledger
         FROM tenant_balances b WHERE tenant_id = $1`,
        [tenant.id],
      )) as { balance: string; ledger: string }[];
      expect(books!.balance).toBe(books!.ledger);
      const notes = await finance.get('/api/invoices?kind=credit_note').expect(200);
      expect(notes.body.total).toBe(3);
      const numbers = (notes.body.items as InvoiceBody[]).map((n) => n.number).sort();
      const year = now.getUTCFullYear();
      expect(numbers).toEqual([1, 2, 3].map((n) => `CN-${year}-00000${n}`));
    });
  });

  describe('requests that cannot be served', () => {
    it('names the bad field (400), refuses an open period (409) and an unknown tenant (404)', async () => {
      const tenant = await seedTenant(api);
      for (const period of ['2026-13', '2026-1', 202610, '', null]) {
        const res = await root.post('/api/invoices/generate', { tenantId: tenant.id, period }).expect(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['period']);
      }
      const badTenant = await root
        .post('/api/invoices/generate', { tenantId: 'x', period: '2026-01' })
        .expect(400);
      expect(badTenant.body.errors.map((e: { field: string }) => e.field)).toEqual(['tenantId']);
      await root.post('/api/invoices/generate', { period: '2026-01' }).expect(400);
      await root
        .post('/api/invoices/generate', {
          tenantId: '00000000-0000-4000-8000-000000000000',
          period: '2026-01',
        })
        .expect(404);
      const open = await root
        .post('/api/invoices/generate', { tenantId: tenant.id, period: periodOf(now, 'UTC') })
        .expect(409);
      expect(open.body).toMatchObject({ code: 'period_not_closed', errors: [{ field: 'period' }] });
      for (const query of ['period=2026-13', 'tenantId=nope', 'kind=bill', 'pageSize=0']) {
        await root.get(`/api/invoices?${query}`).expect(400);
      }
      await root.get('/api/invoices/not-a-uuid').expect(404);
      await root.get('/api/invoices/00000000-0000-4000-8000-000000000000/pdf').expect(404);
      expect(await db.getRepository(Invoice).countBy({ tenantId: tenant.id })).toBe(0);
    });
  });

  describe('months the tenant never had', () => {
    /** Every job on the invoices queue, in any state, that names `tenantId`. */
    const jobsFor = async (tenantId: string) => {
      const queue = api.app.get<Queue>(getQueueToken(QueueName.Invoices));
      const jobs = await queue.getJobs([
        'waiting',
        'delayed',
        'prioritized',
        'active',
        'completed',
        'failed',
      ]);
      return jobs.filter((job) => (job?.data as { tenantId?: string } | undefined)?.tenantId === tenantId);
    };

    it('refuses (409 period_before_tenant) any month that ended before the tenant was created, queueing nothing', async () => {
      // Created half an hour into this month in Shanghai: still last month in UTC, but in the tenant's
      // own zone last month ended before it existed.
      const thisMonth = invoiceWindow(periodOf(now, 'Asia/Shanghai'), 'Asia/Shanghai');
      const createdAt = new Date(thisMonth.start.getTime() + 30 * 60_000);
      const tenant = await seedTenantNow(api, { timezone: 'Asia/Shanghai', createdAt });
      const owner = await sessionAs(api, Role.Owner, tenant.id);
      const finance = await sessionAs(api, Role.Finance, tenant.id);
      const lastMonth = previousPeriod(periodOf(now, 'Asia/Shanghai'));
      for (const period of [lastMonth, previousPeriod(lastMonth), '2000-01', '1970-01', '0001-01']) {
        for (const session of [owner, finance, root]) {
          const res = await session
            .post('/api/invoices/generate', { tenantId: tenant.id, period })
            .expect(409);
          expect(res.body).toMatchObject({ code: 'period_before_tenant', errors: [{ field: 'period' }] });
        }
      }
      // A worker asked directly (a job that got queued anyway) refuses too, and takes no number.
      await expect(workers[0]!.get(InvoiceGenerator).issue(tenant.id, lastMonth)).rejects.toMatchObject({
        code: 'period_before_tenant',
      });
      expect(await jobsFor(tenant.id)).toEqual([]);
      expect(await db.getRepository(Invoice).countBy({ tenantId: tenant.id })).toBe(0);
    });
  });

  describe('plans, allowances and tax', () => {
    it('adds the plan’s fee, subtracts what the plan included, and taxes the subtotal at the configured rate', async () => {
      const tenant = await seedTenant(api, { timezone: 'UTC', name: 'Planned Co' });
      const period = previousPeriod(previousPeriod(periodOf(now, 'UTC')));
      const { start } = invoiceWindow(period, 'UTC');
      const plan = await root.post('/api/plans', { name: `Pro ${tenant.id}`, priceUsd: '20' }).expect(201);
      await root.put(`/api/tenants/${tenant.id}/subscription`, { planId: plan.body.id }).expect(200);
      await db.query(`UPDATE subscription_changes SET created_at = $1 WHERE tenant_id = $2`, [
        new Date(start.getTime() - 86_400_000),
        tenant.id,
      ]);
      const inside = new Date(start.getTime() + 86_400_000);
      await ingestAt(tenant, inside, [{ costNano: '3000000001' }]);
      await ledgerLineAt(tenant, inside, 'plan_allowance', 2_500_000_000n, 'covered');

      // The worker's config says 0; a generator configured with 8% issues this one.
      const generator = new InvoiceGenerator(db, { ...api.config, INVOICE_TAX_RATE: '0.08' });
      const { invoice, created } = await generator.issue(tenant.id, period);
      expect(created).toBe(true);
      expect(
        invoice.lines.map((line) => [line.kind, line.description, nanoToUsd(BigInt(line.amountNano))]),
      ).toEqual([
        ['usage', 'gpt-4o-mini', '3.000000001'],
        ['plan_fee', `Plan: Pro ${tenant.id}`, '20'],
        ['plan_allowance', 'Included in plan', '-2.5'],
      ]);
      expect(invoice.subtotalNano).toBe(20_500_000_001n);
      expect(invoice.taxRate).toBe('0.08');
      expect(invoice.taxNano).toBe(1_640_000_000n); // 1640000000.08
      expect(invoice.totalNano).toBe(22_140_000_001n);
      // The balance paid the usage less what the plan covered (3.000000001 − 2.5): only the fee and
      // the tax are left to pay.
      const [prepaid] = await db.getRepository(InvoiceSettlement).findBy({ invoiceId: invoice.id });
      expect(prepaid).toMatchObject({ source: 'balance', amountNano: 500_000_001n });
      // Issued by a generator, rendered by the workers' period close (its PDF was missing).
      await workers[1]!.get(CloseInvoicePeriodsJob).run();
      const body = await waitIssued(root, invoice.id);
      const { text } = await pdfText((await download(root, invoice.id).expect(200)).body as Buffer);
      expect(text).toContain('Included in plan');
      expect(text).toContain('-2.50');
      expect(text).toContain(body.roundedUsd.total);
      expect(text).toMatch(/Paid from prepaid balance\s+-0\.50\b/);
      expect(text).toMatch(/Amount due\s+21\.64\b/);
      expect(body.totalUsd).toBe('22.140000001');
      expect(body).toMatchObject({ status: 'open', paidUsd: '0.500000001', balanceDueUsd: '21.64' });
    });
  });

  describe('numbering and racing workers', () => {
    const numberOf = (value: string) => Number(value.split('-')[2]);

    it('concurrent generation from two workers and the api: one invoice per tenant, numbers without gaps', async () => {
      const period = previousPeriod(previousPeriod(periodOf(now, 'UTC')));
      const tenants = await Promise.all(Array.from({ length: 6 }, () => seedTenant(api)));
      const before = await db
        .getRepository(InvoiceCounter)
        .findOneBy({ kind: 'invoice', year: now.getUTCFullYear() });
      const generators = workers.map((worker) => worker.get(InvoiceGenerator));
      const admins = await Promise.all(tenants.map((tenant) => sessionAs(api, Role.Finance, tenant.id)));
      await Promise.all(
        tenants.flatMap((tenant, i) => [
          generators[0]!.issue(tenant.id, period),
          generators[1]!.issue(tenant.id, period),
          generators[i % 2]!.issue(tenant.id, period),
          admins[i]!.post('/api/invoices/generate', { period }).then((res) =>
            expect([200, 202]).toContain(res.status),
          ),
        ]),
      );
      const invoices = await db
        .getRepository(Invoice)
        .find({ where: tenants.map((t) => ({ tenantId: t.id })) });
      expect(invoices.map((i) => i.tenantId).sort()).toEqual(tenants.map((t) => t.id).sort());
      const numbers = invoices.map((i) => numberOf(i.number)).sort((a, b) => a - b);
      const first = (before?.lastNumber ?? 0) + 1;
      expect(numbers).toEqual(Array.from({ length: 6 }, (_, i) => first + i));
      const after = await db
        .getRepository(InvoiceCounter)
        .findOneByOrFail({ kind: 'invoice', year: now.getUTCFullYear() });
      expect(after.lastNumber).toBe(first + 5);
      // Every api-enqueued job found its invoice issued and rendered its PDF once.
      await waitFor('every PDF', async () =>
        (await db.getRepository(InvoicePdf).countBy(invoices.map((i) => ({ invoiceId: i.id })))) === 6
          ? true
          : undefined,
      );
    });

    it('a rolled-back issue takes no number: the next invoice gets the one it would have had', async () => {
      const year = now.getUTCFullYear();
      const lastNumber =
        (await db.getRepository(InvoiceCounter).findOneBy({ kind: 'invoice', year }))?.lastNumber ?? 0;
      await expect(
        db.transaction(async (manager) => {
          expect(await takeNumber(manager, 'invoice', year, async () => false)).toBe(
            `INV-${year}-${String(lastNumber + 1).padStart(6, '0')}`,
          );
          throw new Error('the insert failed');
        }),
      ).rejects.toThrow('the insert failed');
      const tenant = await seedTenant(api);
      const { invoice } = await workers[0]!
        .get(InvoiceGenerator)
        .issue(tenant.id, previousPeriod(periodOf(new Date(now.getTime() - 40 * 86_400_000), 'UTC')));
      expect(numberOf(invoice.number)).toBe(lastNumber + 1);
    });

    it('a worker killed mid-job: another takes the job over; the invoice is issued once, with its PDF', async () => {
      const tenant = await seedTenant(api);
      const period = previousPeriod(previousPeriod(periodOf(now, 'UTC')));
      const hosts = workers.map((worker) => worker.get(InvoicesProcessor));
      const connection = redisOptionsFromUrl(api.config.REDIS_URL);
      const prefix = `${api.config.REDIS_PREFIX}:bull`;
      const generator = workers[0]!.get(InvoiceGenerator);
      // The running workers step aside, so that the one about to die takes the job.
      await Promise.all(hosts.map((host) => host.worker.pause()));
      let rescuer: Worker | undefined;
      try {
        let issuedBeforeDeath!: (invoice: Invoice) => void;
        const issued = new Promise<Invoice>((resolve) => (issuedBeforeDeath = resolve));
        const dying = new Worker(
          QueueName.Invoices,
          async (job) => {
            const { invoice } = await generator.issue(job.data.tenantId, job.data.period);
            issuedBeforeDeath(invoice);
            await new Promise(() => undefined); // dies before rendering the PDF
          },
          { connection, prefix, lockDuration: 1_000, stalledInterval: 300 },
        );
        await enqueueGenerateInvoice(workers[0]!.get<Queue>(getQueueToken(QueueName.Invoices)), {
          tenantId: tenant.id,
          period,
        });
        const invoice = await issued;
        await dying.close(true); // killed: its lock is no longer renewed and the job never finishes
        expect(await db.getRepository(InvoicePdf).countBy({ invoiceId: invoice.id })).toBe(0);
        const counter = await db
          .getRepository(InvoiceCounter)
          .findOneByOrFail({ kind: 'invoice', year: now.getUTCFullYear() });

        // Another worker finds the job stalled once its lock has expired, and runs the real job again.
        // (BullMQ checks for stalled jobs at most once per interval across workers: up to the paused
        // workers' 30 s default.)
        rescuer = new Worker(QueueName.Invoices, (job) => hosts[1]!.process(job), {
          connection,
          prefix,
          stalledInterval: 300,
        });
        await waitFor(
          'the PDF of the rescued job',
          async () =>
            (await db.getRepository(InvoicePdf).countBy({ invoiceId: invoice.id })) === 1 ? true : undefined,
          45_000,
        );
        expect(await db.getRepository(Invoice).findBy({ tenantId: tenant.id })).toEqual([invoice]);
        expect(
          await db
            .getRepository(InvoiceCounter)
            .findOneByOrFail({ kind: 'invoice', year: now.getUTCFullYear() }),
        ).toEqual(counter);
      } finally {
        await rescuer?.close();
        hosts.forEach((host) => host.worker.resume());
      }
    });

    it('the hourly period close issues last month’s invoice for every tenant that existed, once', async () => {
      const tenant = await seedTenant(api, { timezone: 'America/New_York' });
      await db.query(`UPDATE tenants SET created_at = $1 WHERE id = $2`, [
        new Date(now.getTime() - 90 * 86_400_000),
        tenant.id,
      ]);
      const fresh = await seedTenantNow(api, { timezone: 'America/New_York' });
      const period = previousPeriod(periodOf(new Date(now.getTime() - 5 * 60_000), 'America/New_York'));
      const queue = workers[0]!.get<Queue>(getQueueToken(QueueName.Invoices));
      await queue.add(CLOSE_INVOICE_PERIODS_JOB, {});
      const id = await waitFor('the closed period’s invoice', async () => {
        const found = await db.getRepository(Invoice).findOneBy({ tenantId: tenant.id, period });
        return found && (await workers[0]!.get(InvoicePdfs).missing()).length === 0 ? found.id : undefined;
      });
      await workers[1]!.get(CloseInvoicePeriodsJob).run();
      await workers[0]!.get(CloseInvoicePeriodsJob).run();
      expect(await db.getRepository(Invoice).countBy({ tenantId: tenant.id })).toBe(1);
      expect((await db.getRepository(Invoice).findOneByOrFail({ tenantId: tenant.id })).id).toBe(id);
      // A tenant created after the period ended owes nothing for it.
      expect(await db.getRepository(Invoice).countBy({ tenantId: fresh.id })).toBe(0);
    });
  });

  describe('a time zone changed between months', () => {
    /** Σ of the invoice's usage lines (nano-USD). */
    const usageOf = (invoice: Invoice) =>
      invoice.lines
        .filter((line) => line.kind === 'usage')
        .reduce((sum, line) => sum + BigInt(line.amountNano), 0n);
    // Three and two months back: closed in every zone.
    const first = previousPeriod(previousPeriod(previousPeriod(periodOf(now, 'UTC'))));
    const second = previousPeriod(previousPeriod(periodOf(now, 'UTC')));

    it('a month starts where the last invoiced one ended: the hours between are invoiced once, never twice or not at all', async () => {
      const generator = workers[0]!.get(InvoiceGenerator);
      const moved = async (from: string, to: string, aroundBoundary: (window: { end: Date }) => Date) => {
        const tenant = await seedTenant(api, { timezone: from });
        const firstWindow = invoiceWindow(first, from);
        await ingestAt(tenant, new Date(firstWindow.start.getTime() + 86_400_000), [
          { costNano: '1000000000' },
        ]);
        await ingestAt(tenant, aroundBoundary(firstWindow), [{ model: 'boundary', costNano: '2000000000' }]);
        await ingestAt(tenant, new Date(invoiceWindow(second, to).start.getTime() + 86_400_000), [
          { costNano: '4000000000' },
        ]);
        const one = (await generator.issue(tenant.id, first)).invoice;
        const owner = await sessionAs(api, Role.Owner, tenant.id);
        await owner.patch(`/api/tenants/${tenant.id}`, { timezone: to }).expect(200);
        const two = (await generator.issue(tenant.id, second)).invoice;
        return { tenant, one, two };
      };

      // West (Tokyo to Los Angeles, whose months begin 16 or 17 hours later): usage in the hour after
      // Tokyo's month ended is in neither zone's month as it stands.
      const west = await moved(
        'Asia/Tokyo',
        'America/Los_Angeles',
        ({ end }) => new Date(end.getTime() + 3_600_000),
      );
      expect(west.two.periodStart).toEqual(west.one.periodEnd);
      expect(west.two.periodEnd).toEqual(invoiceWindow(second, 'America/Los_Angeles').end);
      expect(west.two.lines.map((line) => line.model)).toContain('boundary');
      expect(usageOf(west.one) + usageOf(west.two)).toBe(7_000_000_000n);
      expect(usageOf(west.one) + usageOf(west.two)).toBe(
        await ledgerUsage(west.tenant.id, west.one.periodStart, west.two.periodEnd),
      );

      // East (Los Angeles to Tokyo, whose months begin earlier): usage in the last hour of Los
      // Angeles' month is in both zones' months as they stand.
      const east = await moved(
        'America/Los_Angeles',
        'Asia/Tokyo',
        ({ end }) => new Date(end.getTime() - 3_600_000),
      );
      expect(east.two.periodStart).toEqual(east.one.periodEnd);
      expect(east.one.lines.map((line) => line.model)).toContain('boundary');
      expect(east.two.lines.map((line) => line.model)).not.toContain('boundary');
      expect(usageOf(east.one) + usageOf(east.two)).toBe(7_000_000_000n);
    });
  });
});

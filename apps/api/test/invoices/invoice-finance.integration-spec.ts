// Invoices an accountant can file, on the real PostgreSQL and Redis with a real invoice worker: the
// issuer (settings) and the tenant's billing profile copied in at issue, a CNY tenant billed at the
// month's rate (audited), payments and the status they give (the usage was paid from the prepaid
// balance as it was debited, so only the 19% tax is left to pay), credit notes that give prepaid
// usage back to the balance, the CSV export, and delivery by email to a local SMTP sink
// (smtp-server) that refuses the first attempt, so the retry is exercised.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { AuditLog } from '@gateway/audit';
import { LedgerEntry, ModelPrice } from '@gateway/billing';
import { Role, Tenant } from '@gateway/identity';
import {
  CreditNoteIssuer,
  Invoice,
  InvoiceSettlement,
  InvoiceSettlements,
  ISSUE_CREDIT_NOTE_JOB,
  invoiceWindow,
  periodOf,
  previousPeriod,
} from '@gateway/invoices';
import { QueueName, REDIS } from '@gateway/redis';
import { waitFor } from '@gateway/testing';
import { UsageIngestor, UsageRecorder } from '@gateway/usage';
import { Queue } from 'bullmq';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs, usageEvent } from '../fixtures';
import { pdfText } from './pdf-text';
import { startInvoiceWorker } from './invoice-worker';

interface Received {
  to: string[];
  raw: string;
}

/**
 * A local SMTP server: refuses the first message (451, try later), accepts the rest. Logging in is
 * optional (plain, no TLS: local only); the credentials clients log in with are kept.
 */
async function startSmtpSink(): Promise<{
  server: SMTPServer;
  port: number;
  received: Received[];
  logins: { username: string; password: string }[];
  refused: number;
}> {
  const state = {
    received: [] as Received[],
    logins: [] as { username: string; password: string }[],
    refused: 0,
  };
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      state.logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (state.refused === 0) {
          state.refused++;
          const error = Object.assign(new Error('try again later'), { responseCode: 451 });
          callback(error);
          return;
        }
        state.received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    server,
    port,
    received: state.received,
    logins: state.logins,
    get refused() {
      return state.refused;
    },
  };
}

const PNG_1X1 =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

describe('invoices an accountant can file', () => {
  let api: ApiHarness;
  let db: DataSource;
  let worker: INestApplicationContext;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let root: Session;
  let seq = 0;
  const period = previousPeriod(previousPeriod(periodOf(new Date(), 'Asia/Shanghai')));

  /** Usage stored the real way in (recorder → stream → ingestor), then dated inside `period`. */
  const usageIn = async (tenant: Tenant, events: { model: string; costNano: string }[]) => {
    const at = new Date(invoiceWindow(period, tenant.timezone).start.getTime() + 86_400_000);
    const [{ now: marker }] = (await db.query('SELECT now() AS now')) as { now: Date }[];
    const recorder = api.app.get(UsageRecorder);
    const ids: string[] = [];
    for (const event of events) {
      const requestId = `fin-${++seq}-${tenant.id.slice(0, 8)}`;
      ids.push(requestId);
      recorder.record(
        usageEvent({
          requestId,
          tenantId: tenant.id,
          tokenId: '00000000-0000-4000-8000-000000000001',
          startedAt: at.toISOString(),
          promptTokens: 1000,
          completionTokens: 100,
          ...event,
        }),
      );
    }
    await recorder.flush();
    const ingestor = new UsageIngestor(api.app.get(REDIS), db, api.config);
    for (let round = await ingestor.ingestOnce(); round.read > 0; round = await ingestor.ingestOnce()) {
      // until the stream is drained
    }
    await db.query(`UPDATE usage_records SET created_at = $1 WHERE request_id = ANY($2)`, [at, ids]);
    await db.query(`UPDATE ledger_entries SET created_at = $1 WHERE tenant_id = $2 AND created_at >= $3`, [
      at,
      tenant.id,
      marker,
    ]);
  };

  const issue = async (session: Session, tenantId?: string) => {
    const res = await session.post('/api/invoices/generate', { period, ...(tenantId ? { tenantId } : {}) });
    expect([200, 202]).toContain(res.status);
    return waitFor(
      `invoice ${res.body.id} issued`,
      async () => {
        const got = await session.get(`/api/invoices/${res.body.id}`);
        return got.status === 200 && got.body.pdfReady ? got.body : undefined;
      },
      60_000,
    );
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    api = await startApi('invoice_finance', { INVOICE_TAX_RATE: '0.19' });
    db = api.app.get(DataSource);
    worker = await startInvoiceWorker(api, 'invoice-finance-worker');
    root = await sessionAs(api, Role.SuperAdmin, null);
    await db.getRepository(ModelPrice).insert({
      model: 'qwen-max',
      inputPer1MNano: 1_600_000_000n,
      cachedInputPer1MNano: 400_000_000n,
      outputPer1MNano: 6_400_000_000n,
      perRequestNano: 0n,
      reasoningPer1MNano: null,
      effectiveFrom: new Date('2020-01-01T00:00:00Z'),
      createdBy: null,
    });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await new Promise<void>((resolve) => sink.server.close(() => resolve()));
  });

  describe('settings: issuer, SMTP and exchange rates', () => {
    it('refuses bad input naming the field, and changes nothing', async () => {
      const bad = [
        [{ issuer: { address: 'x' } }, 'issuer.legalName'],
        [{ issuer: { legalName: 'A', address: 'B', paymentTermsDays: 400 } }, 'issuer.paymentTermsDays'],
        [{ issuer: { legalName: 'A', address: 'B', logo: 'data:text/html;base64,AAAA' } }, 'issuer.logo'],
        [{ issuer: { legalName: 'A', address: 'B', email: 'nope' } }, 'issuer.email'],
        [{ smtp: { host: 'smtp.example', port: 70000, from: 'a@b.example' } }, 'smtp.port'],
        [{ smtp: { host: 'smtp.example', port: 25, from: 'not an address' } }, 'smtp.from'],
        [{ exchangeRates: [{ period: '2026-13', currency: 'CNY', rate: '7.1' }] }, 'exchangeRates.0.period'],
        [
          { exchangeRates: [{ period: '2026-10', currency: 'XXY', rate: '7.1' }] },
          'exchangeRates.0.currency',
        ],
        [{ exchangeRates: [{ period: '2026-10', currency: 'USD', rate: '1' }] }, 'exchangeRates.0.currency'],
        [{ exchangeRates: [{ period: '2026-10', currency: 'CNY', rate: '0' }] }, 'exchangeRates.0.rate'],
        [
          { exchangeRates: [{ period: '2026-10', currency: 'CNY', rate: '7.1234567' }] },
          'exchangeRates.0.rate',
        ],
        [
          {
            exchangeRates: [
              { period: '2026-10', currency: 'CNY', rate: '7.1' },
              { period: '2026-10', currency: 'CNY', rate: '7.2' },
            ],
          },
          'exchangeRates.1',
        ],
      ] as const;
      for (const [body, field] of bad) {
        const res = await root.patch('/api/settings', body).expect(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      const read = await root.get('/api/settings').expect(200);
      expect(read.body).toMatchObject({ issuer: null, smtp: null, exchangeRates: [] });
    });

    it('stores the issuer (with its logo), SMTP (password never read back nor audited) and rates, audited', async () => {
      const res = await root
        .patch('/api/settings', {
          issuer: {
            legalName: 'Acme AI Ltd.',
            address: '1 Market St\nSan Francisco',
            taxId: 'US12-3456789',
            email: 'Billing@Acme.example',
            paymentInstructions: '银行转账 IBAN DE89 3704 0044 0532 0130 00',
            footer: 'Thank you.',
            taxLabel: 'VAT',
            paymentTermsDays: 14,
            logo: PNG_1X1,
          },
          smtp: {
            host: '127.0.0.1',
            port: sink.port,
            secure: false,
            username: 'mailer',
            password: 'smtp-secret-123',
            from: 'Acme Billing <billing@acme.example>',
          },
          exchangeRates: [{ period, currency: 'CNY', rate: '7.12340' }],
        })
        .expect(200);
      expect(res.body.issuer).toMatchObject({
        legalName: 'Acme AI Ltd.',
        email: 'billing@acme.example',
        logo: PNG_1X1,
      });
      expect(res.body.smtp).toEqual({
        host: '127.0.0.1',
        port: sink.port,
        secure: false,
        username: 'mailer',
        passwordSet: true,
        from: 'Acme Billing <billing@acme.example>',
      });
      expect(res.body.exchangeRates).toEqual([{ period, currency: 'CNY', rate: '7.1234' }]);
      expect(JSON.stringify((await root.get('/api/settings').expect(200)).body)).not.toContain(
        'smtp-secret-123',
      );
      const audit = await db.getRepository(AuditLog).find({ where: { entityType: 'settings' } });
      expect(audit.length).toBeGreaterThan(0);
      expect(JSON.stringify(audit)).not.toContain('smtp-secret-123');
      expect(JSON.stringify(audit)).toContain('7.1234');
      // Sealed at rest with the ENCRYPTION_KEY keyring, like provider keys.
      const [stored] = (await db.query(`SELECT value FROM settings WHERE key = 'smtp'`)) as {
        value: { password: unknown };
      }[];
      expect(JSON.stringify(stored)).not.toContain('smtp-secret-123');
      expect(stored?.value.password).toEqual({ ciphertext: expect.any(String), version: 1 });
      // A partial issuer change keeps the rest.
      const again = await root.patch('/api/settings', { issuer: { footer: 'Thanks!' } }).expect(200);
      expect(again.body.issuer).toMatchObject({
        legalName: 'Acme AI Ltd.',
        footer: 'Thanks!',
        paymentTermsDays: 14,
      });
    });
  });

  describe('a tenant billed in CNY, in Chinese', () => {
    let tenant: Tenant;
    let finance: Session;
    let invoice: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

    beforeAll(async () => {
      tenant = await seedTenant(api, {
        name: `shanghai-${Date.now()}`,
        timezone: 'Asia/Shanghai',
        billingEmail: 'ops@example.cn',
        createdAt: new Date(Date.now() - 400 * 86_400_000),
      });
      finance = await sessionAs(api, Role.Finance, tenant.id);
    });

    it('the owner and finance keep the billing profile; an admin may not; bad fields are named', async () => {
      const admin = await sessionAs(api, Role.Admin, tenant.id);
      await admin.patch(`/api/tenants/${tenant.id}`, { billingProfile: { legalName: 'x' } }).expect(403);
      const bad = await finance
        .patch(`/api/tenants/${tenant.id}`, {
          billingProfile: { currency: 'RMB', language: 'fr', country: 'China' },
        })
        .expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'billingProfile.country',
        'billingProfile.currency',
        'billingProfile.language',
      ]);
      await finance.patch(`/api/tenants/${tenant.id}`, { name: 'renamed' }).expect(403);
      const res = await finance
        .patch(`/api/tenants/${tenant.id}`, {
          billingProfile: {
            legalName: '上海示例科技有限公司',
            address: '上海市浦东新区 88 号',
            country: 'cn',
            taxId: '91310000MA1K000000',
            email: 'AP@example.cn',
            currency: 'CNY',
            language: 'zh-CN',
          },
        })
        .expect(200);
      expect(res.body.billingProfile).toEqual({
        legalName: '上海示例科技有限公司',
        address: '上海市浦东新区 88 号',
        country: 'CN',
        taxId: '91310000MA1K000000',
        email: 'ap@example.cn',
        currency: 'CNY',
        language: 'zh-CN',
      });
    });

    it('without a rate for the month the invoice is refused (409), naming the currency', async () => {
      await root.patch('/api/settings', { exchangeRates: [] }).expect(200);
      const res = await finance.post('/api/invoices/generate', { period }).expect(409);
      expect(res.body).toMatchObject({ code: 'exchange_rate_missing' });
      expect(res.body.message).toContain('CNY');
      await root
        .patch('/api/settings', { exchangeRates: [{ period, currency: 'CNY', rate: '7.1234' }] })
        .expect(200);
    });

    it('is issued with the issuer and customer as they were, the due date, unit prices and CNY amounts at the rate', async () => {
      await usageIn(tenant, [
        { model: 'qwen-max', costNano: '1005000000' },
        { model: 'qwen-max', costNano: '1005000000' },
        { model: 'deepseek-chat', costNano: '333333333' },
      ]);
      invoice = await issue(finance);
      expect(invoice).toMatchObject({
        status: 'open',
        currency: 'CNY',
        exchangeRate: '7.1234',
        exchangeRatePeriod: period,
        language: 'zh-CN',
        issuer: { legalName: 'Acme AI Ltd.', taxId: 'US12-3456789', taxLabel: 'VAT', paymentTermsDays: 14 },
        customer: {
          legalName: '上海示例科技有限公司',
          taxId: '91310000MA1K000000',
          email: 'ap@example.cn',
          country: 'CN',
        },
        billingName: '上海示例科技有限公司',
        // 2.343333333 of usage + 19% (0.445233333). The usage was debited from the prepaid balance
        // request by request: that is recorded as paid, the tax is what is left to pay.
        subtotalUsd: '2.343333333',
        totalUsd: '2.788566666',
        paidUsd: '2.343333333',
        balanceDueUsd: '0.445233333',
      });
      expect(invoice.settlements).toEqual([
        expect.objectContaining({ source: 'balance', reference: 'prepaid-usage', amountUsd: '2.343333333' }),
      ]);
      expect(new Date(invoice.dueAt).getTime() - new Date(invoice.issuedAt).getTime()).toBe(14 * 86_400_000);
      const qwen = invoice.lines.find((line: { model: string }) => line.model === 'qwen-max');
      expect(qwen.unitPrices).toEqual({
        inputPer1M: '1.6',
        cachedPer1M: '0.4',
        outputPer1M: '6.4',
        perRequest: '0',
        changedInPeriod: false,
      });
      // 2.01 USD × 7.1234 = 14.318034 → 14.32; 0.333333333 × 7.1234 = 2.374466664 → 2.37.
      const byModel = Object.fromEntries(
        invoice.lines.map((line: { model: string }, i: number) => [line.model, invoice.converted.lines[i]]),
      );
      expect(byModel).toEqual({ 'qwen-max': '14.32', 'deepseek-chat': '2.37' });
      expect(invoice.converted).toMatchObject({
        currency: 'CNY',
        subtotal: '16.69',
        tax: '3.17',
        total: '19.86',
      });
      expect(invoice.converted.roundingRule).toContain('half away from zero');

      // Later changes to the issuer or the profile do not touch what was issued.
      await root.patch('/api/settings', { issuer: { legalName: 'Renamed Corp' } }).expect(200);
      await finance
        .patch(`/api/tenants/${tenant.id}`, { billingProfile: { legalName: '新名字' } })
        .expect(200);
      const reread = await finance.get(`/api/invoices/${invoice.id}`).expect(200);
      expect(reread.body.issuer.legalName).toBe('Acme AI Ltd.');
      expect(reread.body.customer.legalName).toBe('上海示例科技有限公司');
      await root.patch('/api/settings', { issuer: { legalName: 'Acme AI Ltd.' } }).expect(200);
    }, 120_000);

    it('the PDF is in Chinese, names both parties and states the rate and the converted total', async () => {
      const res = await finance
        .get(`/api/invoices/${invoice.id}/pdf`)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      const { text } = await pdfText(res.body as Buffer);
      for (const expected of [
        '发票',
        invoice.number,
        'Acme AI Ltd.',
        'US12-3456789',
        '上海示例科技有限公司',
        '91310000MA1K000000',
        '付款截止日期',
        invoice.dueAt.slice(0, 10),
        '1 USD = 7.1234 CNY',
        '19.86',
        // The usage the prepaid balance paid, and the tax it leaves to pay, in both currencies: USD
        // to the cent (2.01 + 0.33 = 2.34 of usage, 0.44 of tax on it, 2.78 in all).
        '已从预付余额支付 -2.34 -16.69',
        '应付金额 0.44 3.17',
        '第 1 页，共 1 页',
        '单价',
      ]) {
        expect(text).toContain(expected);
      }
      // No payment status: the stored document outlives it (the view carries it).
      expect(text).not.toContain('付款状态');
      expect(text).not.toContain('2.343333333');
    });

    it('is mailed to the billing email with the PDF attached, after a refused first attempt', async () => {
      const delivered = await waitFor(
        'the invoice delivered',
        async () => {
          const res = await finance.get(`/api/invoices/${invoice.id}`);
          return res.body.delivery?.status === 'sent' ? res.body.delivery : undefined;
        },
        90_000,
      );
      expect(delivered).toMatchObject({
        status: 'sent',
        recipient: 'ap@example.cn',
        attempts: 2,
        lastError: null,
      });
      expect(sink.refused).toBe(1);
      // The worker opened the sealed password to log in.
      expect(sink.logins).toContainEqual({ username: 'mailer', password: 'smtp-secret-123' });
      const mail = sink.received.find((m) => m.to.includes('ap@example.cn'));
      expect(mail).toBeDefined();
      expect(mail!.raw).toContain(`${invoice.number}.pdf`);
      expect(mail!.raw).toContain('application/pdf');
      const body = mail!.raw.split(/\r?\n\r?\n/);
      const pdfPart = body.findIndex((part) => part.includes('application/pdf'));
      const pdf = Buffer.from(body[pdfPart + 1]!.replace(/\s+/g, ''), 'base64');
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      // The text states what the PDF states: the total, and what the prepaid balance left to pay.
      const textPart = body.findIndex((part) => /content-type: text\/plain/i.test(part));
      const text = decodeMailPart(body[textPart]!, body[textPart + 1]!);
      expect(text).toContain('金额：19.86 CNY (2.78 USD)');
      expect(text).toContain('待付金额：3.17 CNY (0.44 USD)');
    }, 120_000);

    it('payments: only a super admin records them; bad input is named; the status follows; online settles once', async () => {
      const owner = await sessionAs(api, Role.Owner, tenant.id);
      await owner
        .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: '1', reference: 'x' })
        .expect(403);
      const bad = await root
        .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: 1, reference: ' ', paidAt: 'yesterday' })
        .expect(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'amountUsd',
        'paidAt',
        'reference',
      ]);
      // Only what the prepaid balance did not pay can be paid: the usage is not paid twice.
      const over = await root
        .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: '0.445233334', reference: 'wire-1' })
        .expect(400);
      expect(over.body).toMatchObject({ code: 'payment_exceeds_balance', errors: [{ field: 'amountUsd' }] });
      expect(over.body.errors[0].messages[0]).toContain('at most 0.445233333');

      const part = await root
        .post(`/api/invoices/${invoice.id}/payments`, {
          amountUsd: '0.2',
          reference: 'wire-1',
          paidAt: '2026-11-05T00:00:00Z',
        })
        .expect(201);
      expect(part.body).toMatchObject({
        status: 'open',
        paidUsd: '2.543333333',
        balanceDueUsd: '0.245233333',
      });
      await root
        .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: '0.2', reference: 'wire-1' })
        .expect(409);

      // An online payment (what a payment provider's webhook calls), delivered twice: settled once.
      const settlements = worker.get(InvoiceSettlements);
      const online = {
        invoiceId: invoice.id,
        amountNano: 245_233_333n,
        reference: 'cs_test_123',
        source: 'online' as const,
        paidAt: new Date(),
        recordedBy: null,
      };
      const first = await settlements.settle(online);
      const second = await settlements.settle(online);
      expect([first.created, second.created]).toEqual([true, false]);
      expect(second.standing.status).toBe('paid');
      expect(await db.getRepository(InvoiceSettlement).countBy({ invoiceId: invoice.id })).toBe(3);

      const paid = await finance.get(`/api/invoices/${invoice.id}`).expect(200);
      expect(paid.body).toMatchObject({ status: 'paid', paidUsd: '2.788566666', balanceDueUsd: '0' });
      expect(paid.body.settlements.map((s: { reference: string }) => s.reference)).toEqual([
        'wire-1',
        'prepaid-usage',
        'cs_test_123',
      ]);
      const more = await root
        .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: '0.01', reference: 'wire-2' })
        .expect(409);
      expect(more.body.code).toBe('invoice_not_payable');
      const audit = await db.getRepository(AuditLog).find({ where: { entityType: 'invoice_payment' } });
      expect(audit.map((row) => (row.after as { reference: string }).reference)).toEqual(['wire-1']);
    });

    it('the month’s CSV lists it with its status, tax IDs and CNY amounts; bad periods are named', async () => {
      const bad = await finance.get('/api/invoices.csv?period=2026-13').expect(400);
      expect(bad.body.errors[0].field).toBe('period');
      await finance.get('/api/invoices.csv').expect(400);
      const res = await finance.get(`/api/invoices.csv?period=${period}`).expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const [header, ...rows] = (res.text as string).trim().split('\r\n');
      expect(header!.split(',')).toContain('balance_due_usd');
      expect(rows).toHaveLength(1);
      const row = Object.fromEntries(header!.split(',').map((name, i) => [name, rows[0]!.split(',')[i]]));
      expect(row).toMatchObject({
        number: invoice.number,
        kind: 'invoice',
        customer: '上海示例科技有限公司',
        customer_tax_id: '91310000MA1K000000',
        status: 'paid',
        total_usd: '2.788566666',
        paid_usd: '2.788566666',
        balance_due_usd: '0',
        currency: 'CNY',
        exchange_rate: '7.1234',
        total_in_currency: '19.86',
        delivery: 'sent',
      });
      // Another tenant's finance sees none of it.
      const other = await seedTenant(api, { createdAt: new Date(Date.now() - 400 * 86_400_000) });
      const stranger = await sessionAs(api, Role.Finance, other.id);
      const theirs = await stranger.get(`/api/invoices.csv?period=${period}`).expect(200);
      expect((theirs.text as string).trim().split('\r\n')).toHaveLength(1);
    });
  });

  /** The tenant's balance, and whether it is the sum of its ledger lines (tenant_balances agrees). */
  const balanceOf = async (tenantId: string) => {
    const [row] = (await db.query(
      `SELECT b.balance_nano::text AS balance, (SELECT coalesce(sum(amount_nano), 0) FROM ledger_entries
              WHERE tenant_id = $1)::text AS ledger
       FROM tenant_balances b WHERE b.tenant_id = $1`,
      [tenantId],
    )) as { balance: string; ledger: string }[];
    expect(row!.balance).toBe(row!.ledger);
    return BigInt(row!.balance);
  };
  const refundsOf = (tenantId: string) => db.getRepository(LedgerEntry).findBy({ tenantId, kind: 'refund' });

  describe('a USD tenant credited in full', () => {
    it('is `credited`; its credit note gives the prepaid usage back to the balance, references it and says so on the PDF', async () => {
      const tenant = await seedTenant(api, { createdAt: new Date(Date.now() - 400 * 86_400_000) });
      await usageIn(tenant, [{ model: 'gpt-4o-mini', costNano: '500000000' }]);
      const invoice = await issue(root, tenant.id);
      expect(invoice).toMatchObject({
        status: 'open',
        currency: 'USD',
        exchangeRate: null,
        converted: null,
        language: 'en',
        totalUsd: '0.595',
        paidUsd: '0.5',
        balanceDueUsd: '0.095',
      });
      const before = await balanceOf(tenant.id);
      const requested = await root
        .post(`/api/invoices/${invoice.id}/credit-note`, { reason: 'goodwill' })
        .expect(202);
      const note = await waitFor(
        'the credit note',
        async () => {
          const res = await root.get(`/api/invoices/${requested.body.id}`);
          return res.status === 200 && res.body.pdfReady ? res.body : undefined;
        },
        60_000,
      );
      expect(note).toMatchObject({ kind: 'credit_note', status: 'credited', creditNoteOf: invoice.id });
      expect(note).toMatchObject({ subtotalUsd: '-0.5', totalUsd: '-0.595' });
      // 0.095 of it clears the tax still due; the 0.5 the balance paid goes back to the balance.
      expect((await root.get(`/api/invoices/${invoice.id}`).expect(200)).body).toMatchObject({
        status: 'credited',
        paidUsd: '0',
        balanceDueUsd: '0',
      });
      expect(await balanceOf(tenant.id)).toBe(before + 500_000_000n);
      expect((await refundsOf(tenant.id)).map((line) => [line.amountNano, line.ref])).toEqual([
        [500_000_000n, `credit-note:${note.id as string}`],
      ]);
      const res = await root
        .get(`/api/invoices/${note.id}/pdf`)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      const { text } = await pdfText(res.body as Buffer);
      expect(text).toContain(`Corrects invoice: ${invoice.number}`);
      expect(text).toContain('Credit note');
      expect(text).toContain('Page 1 of 1');
      await root
        .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: '0.1', reference: 'late' })
        .expect(409);
    }, 120_000);
  });

  describe('a USD balance smaller than the document can state', () => {
    it('a transfer of what the document states pays it; an invoice that states 0.00 is paid as issued', async () => {
      const tenant = await seedTenant(api, { createdAt: new Date(Date.now() - 400 * 86_400_000) });
      await usageIn(tenant, [{ model: 'gpt-4o-mini', costNano: '1004000000' }]);
      const invoice = await issue(root, tenant.id);
      // 1.004 of usage, paid from the balance; 0.19076 of tax left, which the document states as 0.19
      // of its 1.00 + 0.19 = 1.19.
      expect(invoice).toMatchObject({
        status: 'open',
        totalUsd: '1.19476',
        paidUsd: '1.004',
        balanceDueUsd: '0.19076',
        roundedUsd: { total: '1.19', balanceDue: '0.19' },
      });
      // The customer wires the 0.19 the document asks for: nothing it could state is left.
      const wired = await root
        .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: '0.19', reference: 'wire-0.19' })
        .expect(201);
      expect(wired.body).toMatchObject({
        status: 'paid',
        paidUsd: '1.194',
        balanceDueUsd: '0',
        roundedUsd: { amountDue: '1.19', paid: '1.19', balanceDue: '0.00' },
      });
      const after = await root
        .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: '0.00076', reference: 'wire-rest' })
        .expect(409);
      expect(after.body.code).toBe('invoice_not_payable');
      const listed = await root.get(`/api/invoices?tenantId=${tenant.id}`).expect(200);
      expect(listed.body.items.map((row: { status: string }) => row.status)).toEqual(['paid']);

      // Usage of 0.004 is billed; with tax it is 0.00476, which the document states as 0.00.
      const tiny = await seedTenant(api, { createdAt: new Date(Date.now() - 400 * 86_400_000) });
      await usageIn(tiny, [{ model: 'gpt-4o-mini', costNano: '4000000' }]);
      const small = await issue(root, tiny.id);
      expect(small).toMatchObject({
        status: 'paid',
        totalUsd: '0.00476',
        balanceDueUsd: '0',
        roundedUsd: { total: '0.00', balanceDue: '0.00' },
      });
    }, 120_000);
  });

  describe('a USD tenant that paid before its invoice is corrected', () => {
    it('a credit note credits what is unpaid plus the prepaid usage, gives that back once, never a payment from outside; refused before anything is queued; one the worker refuses says why', async () => {
      const tenant = await seedTenant(api, { createdAt: new Date(Date.now() - 400 * 86_400_000) });
      await usageIn(tenant, [{ model: 'gpt-4o-mini', costNano: '1000000000' }]);
      const invoice = await issue(root, tenant.id);
      // 1 of usage, paid from the balance; 0.19 of tax left to pay.
      expect(invoice).toMatchObject({
        totalUsd: '1.19',
        paidUsd: '1',
        balanceDueUsd: '0.19',
        status: 'open',
      });
      const requests = () =>
        db.getRepository(AuditLog).countBy({ tenantId: tenant.id, entityType: 'invoice' });
      const creditNote = (amountUsd?: string) =>
        root.post(`/api/invoices/${invoice.id}/credit-note`, { reason: 'goodwill', amountUsd });

      await root
        .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: '0.19', reference: 'wire-a' })
        .expect(201);
      const queued = await requests();
      // The 0.19 paid by transfer is never given back: at most the 1 the balance paid, with tax,
      // i.e. 0.840336134 + 0.159663865. Crediting 1 would make the wire transfer vanish.
      for (const amountUsd of ['1', '0.840336135']) {
        const over = await creditNote(amountUsd).expect(400);
        expect(over.body).toMatchObject({
          code: 'credit_exceeds_invoice',
          errors: [
            { field: 'amountUsd', messages: [expect.stringContaining('at most 0.840336134 (before tax)')] },
          ],
        });
      }
      expect(await requests()).toBe(queued);

      // Without an amount: all that may still be credited, given back to the prepaid balance.
      const before = await balanceOf(tenant.id);
      const note = await creditNote().expect(202);
      const issued = await waitFor('the credit note', async () => {
        const res = await root.get(`/api/invoices/${note.body.id}`);
        return res.status === 200 ? res.body : undefined;
      });
      expect(issued).toMatchObject({
        kind: 'credit_note',
        subtotalUsd: '-0.840336134',
        totalUsd: '-0.999999999',
      });
      expect(await balanceOf(tenant.id)).toBe(before + 999_999_999n);
      // What stands paid is the wire transfer and the nano the balance keeps: as much as is due.
      expect((await root.get(`/api/invoices/${invoice.id}`).expect(200)).body).toMatchObject({
        status: 'paid',
        amountDueUsd: '0.190000001',
        paidUsd: '0.190000001',
        balanceDueUsd: '0',
      });

      // The job again (a retry after its transaction committed): the same note, no second refund.
      const request = {
        id: note.body.id as string,
        invoiceId: invoice.id as string,
        reason: 'goodwill',
        amountNano: null,
      };
      expect((await worker.get(CreditNoteIssuer).issue(request)).number).toBe(issued.number);
      expect(await refundsOf(tenant.id)).toHaveLength(1);
      expect(await balanceOf(tenant.id)).toBe(before + 999_999_999n);

      // Only the nano the balance still paid is left to credit.
      const paid = await creditNote('0.000000002').expect(400);
      expect(paid.body.errors[0].messages[0]).toContain('at most 0.000000001 (before tax)');

      // A request the api accepted (202) just before a racing note or payment took its room, as the
      // worker finds it: refused, and its id says so for good instead of 404.
      const raced = randomUUID();
      await api.app
        .get<Queue>(getQueueToken(QueueName.Invoices))
        .add(ISSUE_CREDIT_NOTE_JOB, { id: raced, invoiceId: invoice.id, reason: 'raced', amountNano: '2' });
      const refused = await waitFor('the refusal', async () => {
        const res = await root.get(`/api/invoices/${raced}`);
        return res.status === 404 ? undefined : res;
      });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: 'credit_note_refused',
        message: expect.stringContaining(`what can still be credited on ${invoice.number as string} now`),
      });
      const finance = await sessionAs(api, Role.Finance, tenant.id);
      expect((await finance.get(`/api/invoices/${raced}`).expect(409)).body.code).toBe('credit_note_refused');
      const stranger = await sessionAs(api, Role.Finance, (await seedTenant(api)).id);
      await stranger.get(`/api/invoices/${raced}`).expect(404);
      expect(await db.getRepository(Invoice).countBy({ creditNoteOf: invoice.id })).toBe(1);
      expect(await refundsOf(tenant.id)).toHaveLength(1);
    }, 120_000);
  });

  describe('sending an invoice again', () => {
    it('after a skipped delivery (no SMTP yet), a super admin sends it again; a plain stored password still works and is sealed on the next change', async () => {
      await root.patch('/api/settings', { smtp: null }).expect(200);
      const tenant = await seedTenant(api, {
        billingEmail: 'resend@example.com',
        createdAt: new Date(Date.now() - 400 * 86_400_000),
      });
      await usageIn(tenant, [{ model: 'qwen-max', costNano: '700000000' }]);
      const invoice = await issue(root, tenant.id);
      const skipped = await waitFor(
        'the delivery skipped',
        async () => {
          const res = await root.get(`/api/invoices/${invoice.id}`);
          return res.body.delivery?.status === 'skipped' ? res.body.delivery : undefined;
        },
        60_000,
      );
      expect(skipped.lastError).toBe('no SMTP server is configured');
      // The reason as a code too, which the console says in the reader's language.
      expect(skipped.skipReason).toBe('no_smtp');
      // Nobody but a super admin; another tenant's 404; a skipped delivery with nothing changed is
      // skipped again by the worker, so set SMTP first: as stored before passwords were sealed.
      const owner = await sessionAs(api, Role.Owner, tenant.id);
      await owner.post(`/api/invoices/${invoice.id}/deliveries`).expect(403);
      await root.post('/api/invoices/00000000-0000-4000-8000-00000000abcd/deliveries').expect(404);
      await db.query(
        `INSERT INTO settings (key, value) VALUES ('smtp', $1::jsonb)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
        [
          JSON.stringify({
            host: '127.0.0.1',
            port: sink.port,
            secure: false,
            username: 'legacy-mailer',
            password: 'plain-legacy-pass',
            from: 'billing@acme.example',
          }),
        ],
      );
      const auditBefore = await db.getRepository(AuditLog).countBy({ entityType: 'invoice_delivery' });
      const queued = await root.post(`/api/invoices/${invoice.id}/deliveries`).expect(202);
      expect(queued.body.delivery).toMatchObject({ status: 'pending' });
      // While it is being sent (or once sent), again is a conflict.
      const twice = await root.post(`/api/invoices/${invoice.id}/deliveries`).expect(409);
      expect(twice.body.code).toBe('delivery_not_resendable');
      const sent = await waitFor(
        'the invoice sent again',
        async () => {
          const res = await root.get(`/api/invoices/${invoice.id}`);
          return res.body.delivery?.status === 'sent' ? res.body.delivery : undefined;
        },
        90_000,
      );
      expect(sent).toMatchObject({ recipient: 'resend@example.com', lastError: null });
      expect(sink.received.filter((m) => m.to.includes('resend@example.com'))).toHaveLength(1);
      expect(sink.logins).toContainEqual({ username: 'legacy-mailer', password: 'plain-legacy-pass' });
      expect(await db.getRepository(AuditLog).countBy({ entityType: 'invoice_delivery' })).toBe(
        auditBefore + 1,
      );
      // Sent: not again.
      const again = await root.post(`/api/invoices/${invoice.id}/deliveries`).expect(409);
      expect(again.body.code).toBe('delivery_not_resendable');

      // The next settings change seals the plain password, which still reads as set.
      await root.patch('/api/settings', { siteName: 'Acme Gateway' }).expect(200);
      const [stored] = (await db.query(`SELECT value FROM settings WHERE key = 'smtp'`)) as {
        value: { password: unknown };
      }[];
      expect(JSON.stringify(stored)).not.toContain('plain-legacy-pass');
      expect(stored?.value.password).toEqual({ ciphertext: expect.any(String), version: 1 });
      expect((await root.get('/api/settings').expect(200)).body.smtp).toMatchObject({
        username: 'legacy-mailer',
        passwordSet: true,
      });
    }, 240_000);
  });
});

/** A MIME part's body as text, by its Content-Transfer-Encoding (nodemailer's: base64 or quoted-printable). */
function decodeMailPart(headers: string, content: string): string {
  if (/content-transfer-encoding: base64/i.test(headers)) {
    return Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  if (/content-transfer-encoding: quoted-printable/i.test(headers)) {
    const bytes = content
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return content;
}

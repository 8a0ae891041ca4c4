// What a USD invoice states, read back from the API, the CSV and the PDF (unpdf) on the real
// PostgreSQL and Redis with a real invoice worker: a model whose cost was capped at a request's hold
// shows its usage at its prices and the write-off on a line of its own (in English and Chinese); the
// amounts are stated to the cent with lines that add up, while the *Usd fields keep every
// nano-dollar; and the PDF states no payment status, so downloading it after payment says nothing
// false.
import type { INestApplicationContext } from '@nestjs/common';
import { ModelPrice } from '@gateway/billing';
import { Role, Tenant } from '@gateway/identity';
import { Invoice, InvoicePdfRenderer, invoiceWindow, periodOf, previousPeriod } from '@gateway/invoices';
import { REDIS } from '@gateway/redis';
import { waitFor } from '@gateway/testing';
import { UsageIngestor, UsageRecorder } from '@gateway/usage';
import type { UsageEvent } from '@gateway/usage';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs, usageEvent } from '../fixtures';
import { pdfText } from './pdf-text';
import { startInvoiceWorker } from './invoice-worker';

describe('what a USD invoice states', () => {
  let api: ApiHarness;
  let db: DataSource;
  let worker: INestApplicationContext;
  let root: Session;
  let tenant: Tenant;
  let finance: Session;
  let invoice: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let seq = 0;
  const period = previousPeriod(previousPeriod(periodOf(new Date(), 'UTC')));

  /** Usage stored the real way in (recorder → stream → ingestor), then dated inside `period`. */
  const usageIn = async (events: Partial<UsageEvent>[]) => {
    const at = new Date(invoiceWindow(period, tenant.timezone).start.getTime() + 86_400_000);
    const [{ now: marker }] = (await db.query('SELECT now() AS now')) as { now: Date }[];
    const recorder = api.app.get(UsageRecorder);
    const ids: string[] = [];
    for (const event of events) {
      const requestId = `stmt-${++seq}-${tenant.id.slice(0, 8)}`;
      ids.push(requestId);
      recorder.record(
        usageEvent({
          requestId,
          tenantId: tenant.id,
          tokenId: '00000000-0000-4000-8000-000000000001',
          startedAt: at.toISOString(),
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

  const downloadPdf = async (id: string) => {
    const res = await finance
      .get(`/api/invoices/${id}/pdf`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    // Lines the layout wrapped are joined again.
    return (await pdfText(res.body as Buffer)).text.replace(/\s*\n\s*/g, ' ');
  };

  beforeAll(async () => {
    api = await startApi('invoice_statement', { INVOICE_TAX_RATE: '0.19' });
    db = api.app.get(DataSource);
    worker = await startInvoiceWorker(api, 'invoice-statement-worker');
    root = await sessionAs(api, Role.SuperAdmin, null);
    await db.getRepository(ModelPrice).insert({
      model: 'held-model',
      inputPer1MNano: 1_600_000_000n,
      cachedInputPer1MNano: 400_000_000n,
      outputPer1MNano: 6_400_000_000n,
      perRequestNano: 0n,
      reasoningPer1MNano: null,
      effectiveFrom: new Date('2020-01-01T00:00:00Z'),
      createdBy: null,
    });
    tenant = await seedTenant(api, {
      timezone: 'UTC',
      createdAt: new Date(Date.now() - 400 * 86_400_000),
    });
    finance = await sessionAs(api, Role.Finance, tenant.id);
    // Each held-model request used 1M input and 100k output tokens: 1.6 + 0.64 = 2.24 USD at its
    // prices. The second was held at 1.000000001 only, so 1.239999999 of it was written off.
    await usageIn([
      { model: 'held-model', promptTokens: 1_000_000, completionTokens: 100_000, costNano: '2240000000' },
      {
        model: 'held-model',
        promptTokens: 1_000_000,
        completionTokens: 100_000,
        costNano: '1000000001',
        writtenOffNano: '1239999999',
      },
      { model: 'odd-model', promptTokens: 10, completionTokens: 10, costNano: '12345678901' },
    ]);
    const res = await finance.post('/api/invoices/generate', { period });
    expect([200, 202]).toContain(res.status);
    invoice = await waitFor(
      `invoice ${res.body.id} issued`,
      async () => {
        const got = await finance.get(`/api/invoices/${res.body.id}`);
        return got.status === 200 && got.body.pdfReady ? got.body : undefined;
      },
      60_000,
    );
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  it('a capped request: the line is quantity × price, the write-off is a line of its own, the total as debited', async () => {
    const lines = invoice.lines.map((line: Record<string, unknown>) => [
      line.kind,
      line.model,
      line.requests,
      line.amountUsd,
    ]);
    expect(lines).toEqual([
      // 2 × (1M × 1.6 + 100k × 6.4) / 1M = 4.48
      ['usage', 'held-model', 2, '4.48'],
      ['write_off', 'held-model', 1, '-1.239999999'],
      ['usage', 'odd-model', 1, '12.345678901'],
    ]);
    const held = invoice.lines[0];
    expect(held).toMatchObject({ inputTokens: '2000000', outputTokens: '200000' });
    expect(held.unitPrices).toMatchObject({ inputPer1M: '1.6', outputPer1M: '6.4' });
    // What the ledger debited is unchanged: 2.24 + 1.000000001 + 12.345678901.
    expect(invoice.subtotalUsd).toBe('15.585678902');
    const [{ debited }] = (await db.query(
      `SELECT (-sum(amount_nano))::text AS debited FROM ledger_entries WHERE tenant_id = $1 AND kind = 'usage'`,
      [tenant.id],
    )) as { debited: string }[];
    expect(debited).toBe('15585678902');
  });

  it('states USD to the cent, lines adding up to the total; the *Usd fields stay exact', async () => {
    expect(invoice).toMatchObject({ totalUsd: '18.546957893', taxUsd: '2.961278991' });
    expect(invoice.roundedUsd).toEqual({
      lines: ['4.48', '-1.24', '12.35'],
      subtotal: '15.59',
      tax: '2.96', // 15.59 × 0.19 = 2.9621
      total: '18.55',
      amountDue: '18.55',
      paid: '15.59', // the usage, from the prepaid balance
      balanceDue: '2.96',
      roundingRule: expect.stringContaining('half away from zero to the cent'),
      rule: 'lines',
    });
    const cents = (value: string) => Math.round(Number(value) * 100);
    const sum = invoice.roundedUsd.lines.reduce((total: number, line: string) => total + cents(line), 0);
    expect(sum).toBe(cents(invoice.roundedUsd.subtotal));

    const csv = await finance.get(`/api/invoices.csv?period=${period}`).expect(200);
    const [header, row] = (csv.text as string).trim().split('\r\n');
    const cells = Object.fromEntries(header!.split(',').map((name, i) => [name, row!.split(',')[i]]));
    expect(cells).toMatchObject({
      total_usd: '18.546957893',
      currency: 'USD',
      subtotal_in_currency: '15.59',
      tax_in_currency: '2.96',
      total_in_currency: '18.55',
      written_off_usd: '1.239999999',
      written_off_in_currency: '1.24',
    });
  });

  it('the PDF: the write-off on its own line, every amount to the cent, adding up', async () => {
    const text = await downloadPdf(invoice.id as string);
    for (const expected of [
      'held-model',
      'Written off: held-model (cost above the hold, 1 request)',
      '4.48',
      '-1.24',
      '12.35',
      'Subtotal 15.59',
      'Total 18.55',
      'Paid from prepaid balance -15.59',
      'Amount due 2.96',
      'USD amounts are stated to the cent',
    ]) {
      expect(text).toContain(expected);
    }
    for (const exact of ['12.345678901', '1.239999999', '15.585678902', '18.546957893', '2.961278991']) {
      expect(text).not.toContain(exact);
    }
  });

  it('the PDF in Chinese names the write-off too', async () => {
    const stored = await db.getRepository(Invoice).findOneByOrFail({ id: invoice.id as string });
    const pdf = await worker
      .get(InvoicePdfRenderer)
      .render(Object.assign(new Invoice(), stored, { language: 'zh-CN' }));
    // Where the layout wrapped a Chinese line is no space: compared without any.
    const text = (await pdfText(pdf)).text.replace(/\s+/g, '');
    expect(text).toContain('核销：held-model（超出预扣金额的费用，1次请求）');
    expect(text).toContain('USD金额精确到分');
    expect(text).not.toContain('付款状态');
  });

  it('downloaded after payment, the PDF states no payment status it no longer has', async () => {
    const before = await downloadPdf(invoice.id as string);
    await root
      .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: invoice.balanceDueUsd, reference: 'wire-9' })
      .expect(201);
    const after = await downloadPdf(invoice.id as string);
    // The issued document, unchanged, with only what was fixed at issue.
    expect(after).not.toMatch(/Payment status|\bOpen\b|\bPaid\b(?! from prepaid)/);
    expect(after).toBe(before);
    expect(after).toContain('Amount due 2.96');
    // The standing is the API's (and the console's), which follows the payment.
    const paid = await finance.get(`/api/invoices/${invoice.id}`).expect(200);
    expect(paid.body).toMatchObject({ status: 'paid', balanceDueUsd: '0' });
    expect(paid.body.roundedUsd).toMatchObject({ paid: '18.55', balanceDue: '0.00' });
  });
});

// Partial credit notes as their documents state them, on the real PostgreSQL and Redis with a real
// invoice worker: an invoice that states 1.00 + 19% = 1.19 credited in two halves must not be
// credited 0.60 twice (1.20, a cent more than the invoice states). The second, which credits the
// rest, states what the invoice states less what the first stated; the PDFs (read back with unpdf)
// and the CSV's *_in_currency columns say so, in USD and in CNY at a rate.
import type { INestApplicationContext } from '@nestjs/common';
import { Role, Tenant } from '@gateway/identity';
import { invoiceWindow, periodOf, previousPeriod } from '@gateway/invoices';
import { REDIS } from '@gateway/redis';
import { waitFor } from '@gateway/testing';
import { UsageIngestor, UsageRecorder } from '@gateway/usage';
import { DataSource } from 'typeorm';
import { ApiHarness, startApi } from '../api-harness';
import { seedTenant, Session, sessionAs, usageEvent } from '../fixtures';
import { pdfText } from './pdf-text';
import { startInvoiceWorker } from './invoice-worker';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Subtotal, tax and total as a document states them: the figures in one currency's column. */
interface Stated {
  subtotal: string;
  tax: string;
  total: string;
}

describe('partial credit notes never state more than their invoice', () => {
  let api: ApiHarness;
  let db: DataSource;
  let worker: INestApplicationContext;
  let root: Session;
  let seq = 0;
  const period = previousPeriod(previousPeriod(periodOf(new Date(), 'UTC')));

  /** 1.00 USD of usage stored the real way in (recorder → stream → ingestor), dated inside `period`. */
  const dollarOfUsage = async (tenant: Tenant) => {
    const at = new Date(invoiceWindow(period, tenant.timezone).start.getTime() + 86_400_000);
    const [{ now: marker }] = (await db.query('SELECT now() AS now')) as { now: Date }[];
    const recorder = api.app.get(UsageRecorder);
    const requestId = `cents-${++seq}-${tenant.id.slice(0, 8)}`;
    recorder.record(
      usageEvent({
        requestId,
        tenantId: tenant.id,
        tokenId: '00000000-0000-4000-8000-000000000001',
        startedAt: at.toISOString(),
        model: 'gpt-4o-mini',
        costNano: '1000000000',
      }),
    );
    await recorder.flush();
    const ingestor = new UsageIngestor(api.app.get(REDIS), db, api.config);
    for (let round = await ingestor.ingestOnce(); round.read > 0; round = await ingestor.ingestOnce()) {
      // until the stream is drained
    }
    await db.query(`UPDATE usage_records SET created_at = $1 WHERE request_id = $2`, [at, requestId]);
    await db.query(`UPDATE ledger_entries SET created_at = $1 WHERE tenant_id = $2 AND created_at >= $3`, [
      at,
      tenant.id,
      marker,
    ]);
  };

  const issued = (id: string): Promise<Body> =>
    waitFor(
      `${id} issued with its PDF`,
      async () => {
        const got = await root.get(`/api/invoices/${id}`);
        return got.status === 200 && got.body.pdfReady ? (got.body as Body) : undefined;
      },
      60_000,
    );

  const invoiceOf = async (tenant: Tenant): Promise<Body> => {
    await dollarOfUsage(tenant);
    const res = await root.post('/api/invoices/generate', { period, tenantId: tenant.id });
    expect([200, 202]).toContain(res.status);
    return issued(res.body.id as string);
  };

  /** Half of the invoice's 1.00, waited for until issued, so the notes are issued in order. */
  const halfCredit = async (invoice: Body): Promise<Body> => {
    const res = await root
      .post(`/api/invoices/${invoice.id}/credit-note`, { reason: 'half', amountUsd: '0.5' })
      .expect(202);
    return issued(res.body.id as string);
  };

  /** The PDF's text, with lines the layout wrapped joined again. */
  const pdfOf = async (id: string): Promise<string> => {
    const res = await root
      .get(`/api/invoices/${id}/pdf`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    return (await pdfText(res.body as Buffer)).text.replace(/\s*\n\s*/g, ' ');
  };

  /** The period's CSV rows of these documents, by number. */
  const csvRows = async (numbers: string[]): Promise<Map<string, Record<string, string>>> => {
    const res = await root.get(`/api/invoices.csv?period=${period}`).expect(200);
    const [header, ...rows] = (res.text as string).trim().split('\r\n');
    const names = header!.split(',');
    const byNumber = new Map<string, Record<string, string>>();
    for (const row of rows) {
      const cells = Object.fromEntries(row.split(',').map((value, i) => [names[i], value]));
      if (numbers.includes(cells.number as string)) byNumber.set(cells.number as string, cells);
    }
    return byNumber;
  };

  /** Subtotal, tax and total as a PDF states them in its USD column (and the next, if converted). */
  const pdfTotals = (text: string, taxLabel: string): { usd: Stated; converted: Stated | null } => {
    const amount = '(-?\\d+\\.\\d{2})';
    const figures = (label: string) => {
      const match = new RegExp(`${label}\\s+${amount}(?:\\s+${amount})?`).exec(text);
      if (!match) throw new Error(`no "${label}" amount in: ${text}`);
      return [match[1] as string, match[2]];
    };
    const [subtotal, tax, total] = [figures('Subtotal'), figures(taxLabel), figures('Total')];
    return {
      usd: { subtotal: subtotal[0]!, tax: tax[0]!, total: total[0]! },
      converted: subtotal[1] ? { subtotal: subtotal[1], tax: tax[1]!, total: total[1]! } : null,
    };
  };

  const cents = (amount: string) => BigInt(amount.replace('.', ''));
  /** What the documents state together, per column, in minor units. */
  const sum = (stated: Stated[]) => ({
    subtotal: stated.reduce((total, s) => total + cents(s.subtotal), 0n),
    tax: stated.reduce((total, s) => total + cents(s.tax), 0n),
    total: stated.reduce((total, s) => total + cents(s.total), 0n),
  });
  const negated = (stated: Stated) => ({
    subtotal: -cents(stated.subtotal),
    tax: -cents(stated.tax),
    total: -cents(stated.total),
  });

  beforeAll(async () => {
    api = await startApi('credit_note_cents', { INVOICE_TAX_RATE: '0.19' });
    db = api.app.get(DataSource);
    worker = await startInvoiceWorker(api, 'credit-note-cents-worker');
    root = await sessionAs(api, Role.SuperAdmin, null);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  it('USD: two notes of 0.50 on 1.00 + 0.19 state 0.60 and 0.59, on their PDFs and in the CSV', async () => {
    const tenant = await seedTenant(api, {
      timezone: 'UTC',
      createdAt: new Date(Date.now() - 400 * 86_400_000),
    });
    const invoice = await invoiceOf(tenant);
    expect(invoice.roundedUsd).toMatchObject({ subtotal: '1.00', tax: '0.19', total: '1.19', rule: 'lines' });
    const first = await halfCredit(invoice);
    const second = await halfCredit(invoice);
    // The exact amounts are each half of the invoice's.
    expect([first.subtotalUsd, first.taxUsd, second.subtotalUsd, second.taxUsd]).toEqual([
      '-0.5',
      '-0.095',
      '-0.5',
      '-0.095',
    ]);

    const secondText = await pdfOf(second.id);
    const firstPdf = pdfTotals(await pdfOf(first.id), 'Tax \\(19%\\)');
    const secondPdf = pdfTotals(secondText, 'Tax \\(19%\\)');
    // Each says how it is stated, rather than the invoice's rule its tax no longer follows alone.
    expect(secondText).toContain('together they never state more than the invoice');
    expect(secondText).not.toContain('tax is computed on it');
    expect(second.roundedUsd.roundingRule).toContain('its share of the invoice');
    // And says which rule by name, for a client that words it in its own language (the console).
    expect(second.roundedUsd.rule).toBe('share_of_invoice');
    // 0.095 of tax rounds to 0.10 on the first; the second states what is left of the 0.19.
    expect(firstPdf.usd).toEqual({ subtotal: '-0.50', tax: '-0.10', total: '-0.60' });
    expect(secondPdf.usd).toEqual({ subtotal: '-0.50', tax: '-0.09', total: '-0.59' });
    expect(sum([firstPdf.usd, secondPdf.usd])).toEqual(
      negated({ subtotal: '1.00', tax: '0.19', total: '1.19' }),
    );
    // The invoice is credited in full, and its documents leave nothing stated due, not -0.01.
    expect((await root.get(`/api/invoices/${invoice.id}`).expect(200)).body).toMatchObject({
      status: 'credited',
      roundedUsd: { amountDue: '0.00' },
    });
    // The API states what the PDFs do.
    expect(first.roundedUsd).toMatchObject({ lines: ['-0.50'], ...firstPdf.usd });
    expect(second.roundedUsd).toMatchObject({ lines: ['-0.50'], ...secondPdf.usd });

    const rows = await csvRows([invoice.number, first.number, second.number]);
    const inCurrency = (number: string): Stated => {
      const row = rows.get(number) as Record<string, string>;
      return {
        subtotal: row.subtotal_in_currency!,
        tax: row.tax_in_currency!,
        total: row.total_in_currency!,
      };
    };
    expect(inCurrency(invoice.number)).toEqual({ subtotal: '1.00', tax: '0.19', total: '1.19' });
    expect(inCurrency(first.number)).toEqual(firstPdf.usd);
    expect(inCurrency(second.number)).toEqual(secondPdf.usd);
  }, 180_000);

  it('after a partial payment, the note crediting all it may states what the payment left, not a cent more', async () => {
    const tenant = await seedTenant(api, {
      timezone: 'UTC',
      createdAt: new Date(Date.now() - 400 * 86_400_000),
    });
    const invoice = await invoiceOf(tenant);
    // 1.19 stated, 1.00 of it paid by the prepaid balance; 0.16 of the 0.19 left paid by transfer.
    await root
      .post(`/api/invoices/${invoice.id}/payments`, { amountUsd: '0.16', reference: 'wire-1' })
      .expect(201);
    const paid = (await root.get(`/api/invoices/${invoice.id}`).expect(200)).body as Body;
    expect(paid.roundedUsd).toMatchObject({ amountDue: '1.19', paid: '1.16', balanceDue: '0.03' });

    // All it may credit: the 0.03 unpaid and the 1.00 the balance paid, 1.03 with tax (0.865546218
    // before it). Rounded alone that is 0.87 + 0.17 = 1.04, a cent more than the payment left.
    const res = await root
      .post(`/api/invoices/${invoice.id}/credit-note`, { reason: 'goodwill' })
      .expect(202);
    const note = await issued(res.body.id as string);
    expect(note.subtotalUsd).toBe('-0.865546218');
    const pdf = pdfTotals(await pdfOf(note.id), 'Tax \\(19%\\)').usd;
    expect(pdf.total).toBe('-1.03');
    expect(note.roundedUsd).toMatchObject({ lines: [pdf.subtotal], ...pdf });
    expect(cents(pdf.subtotal) + cents(pdf.tax)).toBe(cents(pdf.total));
    // The documents state 1.19 - 1.03 = 0.16 due, and the transfer paid 0.16: settled to the cent.
    expect((await root.get(`/api/invoices/${invoice.id}`).expect(200)).body).toMatchObject({
      status: 'paid',
      roundedUsd: { amountDue: '0.16', paid: '0.16', balanceDue: '0.00' },
    });
  }, 180_000);

  it('CNY at 7.1234: neither the CNY nor the USD columns of the two notes state more than the invoice', async () => {
    await root
      .patch('/api/settings', { exchangeRates: [{ period, currency: 'CNY', rate: '7.1234' }] })
      .expect(200);
    const tenant = await seedTenant(api, {
      timezone: 'UTC',
      createdAt: new Date(Date.now() - 400 * 86_400_000),
    });
    await root.patch(`/api/tenants/${tenant.id}`, { billingProfile: { currency: 'CNY' } }).expect(200);
    const invoice = await invoiceOf(tenant);
    // 1.00 USD × 7.1234 = 7.12 CNY; 19% of it is 1.3528 → 1.35; 8.47 in all.
    expect(invoice.converted).toMatchObject({ subtotal: '7.12', tax: '1.35', total: '8.47' });
    const first = await halfCredit(invoice);
    const second = await halfCredit(invoice);

    const firstPdf = pdfTotals(await pdfOf(first.id), 'Tax \\(19%\\)');
    const secondPdf = pdfTotals(await pdfOf(second.id), 'Tax \\(19%\\)');
    // 0.50 USD = 3.5617 → 3.56 CNY, whose tax 0.6764 rounds to 0.68: twice would be 1.36 of 1.35.
    expect(firstPdf.converted).toEqual({ subtotal: '-3.56', tax: '-0.68', total: '-4.24' });
    expect(secondPdf.converted).toEqual({ subtotal: '-3.56', tax: '-0.67', total: '-4.23' });
    expect(sum([firstPdf.converted!, secondPdf.converted!])).toEqual(
      negated({ subtotal: '7.12', tax: '1.35', total: '8.47' }),
    );
    expect(firstPdf.usd).toEqual({ subtotal: '-0.50', tax: '-0.10', total: '-0.60' });
    expect(secondPdf.usd).toEqual({ subtotal: '-0.50', tax: '-0.09', total: '-0.59' });
    expect(first.converted).toMatchObject({ lines: ['-3.56'], ...firstPdf.converted });
    expect(second.converted).toMatchObject({ lines: ['-3.56'], ...secondPdf.converted });

    const rows = await csvRows([invoice.number, first.number, second.number]);
    const inCurrency = (number: string): Stated => {
      const row = rows.get(number) as Record<string, string>;
      return {
        subtotal: row.subtotal_in_currency!,
        tax: row.tax_in_currency!,
        total: row.total_in_currency!,
      };
    };
    expect(inCurrency(first.number)).toEqual(firstPdf.converted);
    expect(inCurrency(second.number)).toEqual(secondPdf.converted);
    expect(sum([inCurrency(first.number), inCurrency(second.number)])).toEqual(
      negated(inCurrency(invoice.number)),
    );
  }, 180_000);
});

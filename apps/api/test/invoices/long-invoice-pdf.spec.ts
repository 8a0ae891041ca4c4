// A long invoice (200 models) rendered to PDF and read back page by page (unpdf): every page repeats
// the table header and carries "Page n of N"; every model's line and unit prices appear once, in
// order; the parties are on the first page and the totals, converted amounts and rounding rule after
// the last line. Once in English and once in Chinese (the tenant's language picks the labels).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  convertInvoice,
  centsOf,
  convertNano,
  FONT_IDLE_RELEASE_MS,
  Invoice,
  InvoicePdfRenderer,
  ROUNDING_RULE,
} from '@gateway/invoices';
import { pdfPages, pdfTextItems } from './pdf-text';

const PNG_1X1 =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const MODELS = Array.from({ length: 200 }, (_, i) => `model-${String(i + 1).padStart(3, '0')}`);

function longInvoice(language: 'en' | 'zh-CN'): Invoice {
  const lines: Invoice['lines'] = MODELS.map((model, i) => ({
    kind: 'usage',
    description: model,
    model,
    requests: 1000 + i,
    inputTokens: String(1_000_000 + i),
    cachedTokens: String(i * 10),
    outputTokens: String(50_000 + i),
    amountNano: String(1_234_567_891n + BigInt(i) * 1_000_003n),
    unitPrices: {
      inputPer1MNano: String(150_000_000 + i),
      cachedPer1MNano: '75000000',
      outputPer1MNano: '600000000',
      perRequestNano: '0',
      changedInPeriod: i === 7,
    },
  }));
  lines.push({
    kind: 'plan_fee',
    description: 'Plan: Team',
    model: null,
    requests: null,
    inputTokens: null,
    cachedTokens: null,
    outputTokens: null,
    amountNano: '20000000000',
  });
  lines.push({
    kind: 'plan_allowance',
    description: 'Included in plan',
    model: null,
    requests: null,
    inputTokens: null,
    cachedTokens: null,
    outputTokens: null,
    amountNano: '-5000000000',
  });
  const subtotalNano = lines.reduce((sum, line) => sum + BigInt(line.amountNano), 0n);
  const taxNano = (subtotalNano * 6n + 50n) / 100n;
  const converted = convertInvoice(
    lines.map((line) => BigInt(line.amountNano)),
    '7.1234',
    2,
    '0.06',
  );
  return Object.assign(new Invoice(), {
    id: '00000000-0000-4000-8000-000000000200',
    kind: 'invoice' as const,
    number: 'INV-2026-000200',
    tenantId: '00000000-0000-4000-8000-000000000001',
    period: '2026-10',
    periodStart: new Date('2026-09-30T16:00:00Z'),
    periodEnd: new Date('2026-10-31T16:00:00Z'),
    timezone: 'Asia/Shanghai',
    status: 'issued' as const,
    currency: 'CNY',
    exchangeRate: '7.1234',
    exchangeRatePeriod: '2026-10',
    converted,
    language,
    issuer: {
      legalName: 'Acme AI Ltd.',
      address: '1 Market St, San Francisco',
      taxId: 'US12-3456789',
      email: 'billing@acme.example',
      paymentInstructions: 'IBAN DE89 3704 0044 0532 0130 00',
      footer: 'Thank you for your business.',
      taxLabel: 'VAT',
      paymentTermsDays: 30,
      logo: PNG_1X1,
    },
    customer: {
      legalName: '北京示例科技有限公司',
      address: '北京市海淀区 1 号',
      country: 'CN',
      taxId: '91110000MA00000000',
      email: 'ap@example.cn',
    },
    dueAt: new Date('2026-12-01T00:00:00Z'),
    billingName: '北京示例科技有限公司',
    billingEmail: 'ap@example.cn',
    lines,
    payments: [],
    subtotalNano,
    taxRate: '0.06',
    taxNano,
    totalNano: subtotalNano + taxNano,
    creditNoteOf: null,
    reason: null,
    issuedAt: new Date('2026-11-01T02:00:00Z'),
  });
}

const cents = (value: bigint) => `${value / 100n}.${(value % 100n).toString().padStart(2, '0')}`;

const money = (nano: bigint | string) => {
  const value = BigInt(nano);
  const whole = value / 1_000_000_000n;
  const fraction = (value % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${whole}.${fraction.padEnd(2, '0')}`;
};

describe('a 200-model invoice as PDF, page by page', () => {
  const renderer = new InvoicePdfRenderer();

  it.each([
    [
      'en',
      {
        header: ['Description', 'Requests', 'Amount (USD)', 'Amount (CNY)'],
        page: (n: number, of: number) => `Page ${n} of ${of}`,
        total: 'Total',
        billTo: 'Bill to',
        rate: '1 USD = 7.1234 CNY',
      },
    ],
    [
      'zh-CN',
      {
        header: ['项目', '请求数', '金额（USD）', '金额（CNY）'],
        page: (n: number, of: number) => `第 ${n} 页，共 ${of} 页`,
        total: '合计',
        billTo: '购买方',
        rate: '1 USD = 7.1234 CNY',
      },
    ],
  ] as const)(
    'in %s: header and page number on every page, every line once and in order, totals at the end',
    async (language, words) => {
      const invoice = longInvoice(language);
      const pdf = await renderer.render(invoice);
      const artifacts = join(__dirname, '../../../../test-artifacts/invoices');
      mkdirSync(artifacts, { recursive: true });
      writeFileSync(join(artifacts, `long-invoice-${language}.pdf`), pdf);

      const pages = await pdfPages(pdf);
      expect(pages.length).toBeGreaterThanOrEqual(4);
      pages.forEach((text, i) => {
        for (const header of words.header) expect(text).toContain(header);
        expect(text).toContain(words.page(i + 1, pages.length));
        expect(text).toContain(invoice.number);
      });

      // The parties and the dates on the first page.
      const first = pages[0] as string;
      for (const text of [
        'Acme AI Ltd.',
        'US12-3456789',
        words.billTo,
        '北京示例科技有限公司',
        '91110000MA00000000',
        '2026-11-01',
        '2026-12-01',
        words.rate,
      ]) {
        expect(first).toContain(text);
      }

      // Each model once, in order, on some page, with its amount and unit prices.
      const where = MODELS.map((model) => pages.findIndex((text) => text.includes(model)));
      expect(where.every((page) => page >= 0)).toBe(true);
      expect([...where].sort((a, b) => a - b)).toEqual(where);
      MODELS.forEach((model, i) => {
        const text = pages[where[i] as number] as string;
        expect(text.split(model).length - 1).toBe(1);
        const line = invoice.lines[i]!;
        expect(text).toContain(cents(centsOf(BigInt(line.amountNano))));
        expect(text).toContain(money(line.unitPrices!.inputPer1MNano));
        expect(text).toContain(line.inputTokens!);
        const cny = invoice.converted!.lineMinor[i]!;
        expect(text).toContain(`${cny.slice(0, -2)}.${cny.slice(-2)}`);
      });
      expect(pages.slice(1).some((text) => text.includes('model-200'))).toBe(true);

      // The totals after the last line, in USD and in CNY, with the tax's label and rate.
      const last = pages[pages.length - 1] as string;
      const total = invoice.converted!.totalMinor;
      expect(last).toContain(words.total);
      // USD to the cent: the rounded lines add up to the stated subtotal, tax on it, the total.
      const centLines = invoice.lines.map((line) => centsOf(BigInt(line.amountNano)));
      const subtotalCents = centLines.reduce((sum, c) => sum + c, 0n);
      const totalCents = subtotalCents + (subtotalCents * 6n + 50n) / 100n;
      expect(last).toContain(cents(subtotalCents));
      expect(last).toContain(cents(totalCents));
      expect(last).toContain(`${total.slice(0, -2)}.${total.slice(-2)}`);
      expect(last).toContain('VAT (6%)');
      expect(last).toContain('IBAN DE89 3704 0044 0532 0130 00');
      // The converted total is the converted subtotal plus tax on it (the stated rule), to the fen.
      const converted = invoice.converted!;
      expect(BigInt(converted.totalMinor)).toBe(BigInt(converted.subtotalMinor) + BigInt(converted.taxMinor));
      expect(BigInt(converted.subtotalMinor)).toBe(
        invoice.lines.reduce((sum, line) => sum + convertNano(BigInt(line.amountNano), '7.1234', 2), 0n),
      );
      expect(ROUNDING_RULE).toContain('half away from zero');
    },
    120_000,
  );
});

describe('a footer longer than a page', () => {
  const renderer = new InvoicePdfRenderer();

  // pdfkit broke the issuer's long footer at the page's margin, 12 points under the top of the
  // "Page n of N" line written into it, so the two overprinted each other.
  it.each([
    ['Latin', 'Thank you for your business. All rights reserved by Acme AI Ltd., 1 Market St.'],
    ['Hebrew', 'תודה שבחרתם בנו. כל הזכויות שמורות לחברת אקמה בע״מ, רחוב הרצל 12 תל אביב.'],
  ])(
    'in %s goes on to the next page above the page number, never over it',
    async (_script, sentence) => {
      const invoice = longInvoice('en');
      invoice.lines = invoice.lines.slice(0, 3);
      invoice.issuer = { ...invoice.issuer!, footer: Array<string>(120).fill(sentence).join(' ') };
      const pages = await pdfTextItems(await renderer.render(invoice));
      expect(pages.length).toBeGreaterThan(1);
      pages.forEach((items, i) => {
        const number = items.find((item) => item.str.includes(`Page ${i + 1} of ${pages.length}`));
        expect(number).toBeDefined();
        // The lowest other text's baseline sits a line (8 pt text, with room under it) above the number's.
        const lowest = Math.min(...items.filter((item) => item !== number).map((item) => item.y));
        expect(lowest - number!.y).toBeGreaterThanOrEqual(12);
      });
    },
    60_000,
  );
});

describe('lines whose description wraps', () => {
  const renderer = new InvoicePdfRenderer();

  // A row was given a page break only when one line of it would not fit: a description wrapping
  // past the page's end went on at the next page's top, and its numbers were written on that next
  // page at the row's old height, the row torn in two around a near-empty page.
  it.each([
    ['Latin', 'a long description of a line that wraps to a second and a third line of the table'],
    ['Hebrew', 'תיאור ארוך מאוד של שורה בחשבונית עם הרבה מילים שעוברות לשורה הבאה ועוד מילים'],
  ])(
    'in %s keep each row on one page, its description beside its numbers',
    async (_script, words) => {
      const invoice = longInvoice('en');
      invoice.lines = invoice.lines.slice(0, 40).map((line, i) => ({
        ...line,
        description: `S${i} ${words} E${i}`,
        unitPrices: undefined,
      }));
      const pages = await pdfPages(await renderer.render(invoice));
      expect(pages.length).toBeGreaterThan(1);
      const pageOf = (text: string) => pages.findIndex((page) => page.split(/\s+/).includes(text));
      invoice.lines.forEach((line, i) => {
        const page = pageOf(`S${i}`);
        expect(page).toBeGreaterThanOrEqual(0);
        expect([pageOf(`E${i}`), pageOf(String(line.requests))]).toEqual([page, page]);
      });
    },
    60_000,
  );
});

describe('the invoice font in memory', () => {
  afterEach(() => jest.useRealTimers());

  it('is read at the first render, kept while renders follow, and let go once none did for a while', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const renderer = new InvoicePdfRenderer();
    renderer.onModuleInit();
    // Located at startup, not read: a worker keeps no 17 MB for a monthly job.
    expect(renderer.fontLoaded).toBe(false);
    await renderer.render(longInvoice('zh-CN'));
    expect(renderer.fontLoaded).toBe(true);
    jest.advanceTimersByTime(FONT_IDLE_RELEASE_MS - 1_000);
    await renderer.render(longInvoice('en'));
    // The second render restarted the wait.
    jest.advanceTimersByTime(FONT_IDLE_RELEASE_MS - 1_000);
    expect(renderer.fontLoaded).toBe(true);
    jest.advanceTimersByTime(1_000);
    expect(renderer.fontLoaded).toBe(false);
    // Read again when needed, and the PDF still carries the Chinese text.
    const pages = await pdfPages(await renderer.render(longInvoice('zh-CN')));
    expect(pages[0]).toContain('北京示例科技有限公司');
    // Three long renders with the 17 MB font, read twice: past Jest's 5 s on a loaded 2-core CI machine.
  }, 60_000);
});

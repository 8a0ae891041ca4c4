import type { Invoice, StoredConversion, StoredInvoiceLine } from '../entities/invoice.entity';
import { invoiceEmail } from './invoice-email';

const NANO = 1_000_000_000n;

function line(amountNano: bigint): StoredInvoiceLine {
  return {
    kind: 'usage',
    description: 'gpt-4o',
    model: 'gpt-4o',
    requests: 1,
    inputTokens: '1',
    cachedTokens: '0',
    outputTokens: '1',
    amountNano: amountNano.toString(),
  };
}

/** An invoice of one line at 19 % tax, its exact total kept in nano-USD as the ledger does. */
function invoice(fields: Partial<Invoice>): Invoice {
  const lineNano = fields.subtotalNano ?? NANO;
  const taxNano = (lineNano * 19n) / 100n;
  return {
    kind: 'invoice',
    number: 'INV-2026-000001',
    period: '2026-11',
    language: 'en',
    issuer: null,
    currency: 'USD',
    converted: null,
    statedUsd: null,
    dueAt: new Date('2026-12-31T00:00:00Z'),
    lines: [line(lineNano)],
    taxRate: '0.19',
    subtotalNano: lineNano,
    taxNano,
    totalNano: lineNano + taxNano,
    ...fields,
  } as Invoice;
}

describe('the invoice email states the amount the attached PDF states', () => {
  it('in cents, not the ledger’s nano-dollars', () => {
    // 1.004 + 19 % = 1.19476 exactly; the PDF states 1.00 + 0.19 = 1.19.
    const email = invoiceEmail(invoice({ subtotalNano: 1_004_000_000n }));
    expect(email.text).toContain('Amount: 1.19 USD');
    expect(email.text).not.toContain('1.19476');
  });

  it('for a credit note, the cents it was issued with (its share of the invoice)', () => {
    const stated: StoredConversion = {
      minorDigits: 2,
      lineMinor: ['-50'],
      subtotalMinor: '-50',
      taxMinor: '-9',
      totalMinor: '-59',
    };
    const email = invoiceEmail(
      invoice({ kind: 'credit_note', number: 'CN-2026-000002', subtotalNano: -NANO / 2n, statedUsd: stated }),
    );
    expect(email.text).toContain('Amount: -0.59 USD');
    expect(email.subject).toBe('Credit note CN-2026-000002');
  });

  it('in the invoice’s currency, with the USD it states beside it', () => {
    const converted: StoredConversion = {
      minorDigits: 2,
      lineMinor: ['712'],
      subtotalMinor: '712',
      taxMinor: '135',
      totalMinor: '847',
    };
    const email = invoiceEmail(
      invoice({ currency: 'CNY', converted, language: 'zh-CN', subtotalNano: 1_000_400_000n }),
    );
    expect(email.text).toContain('金额：8.47 CNY (1.19 USD)');
  });

  it('says what is left to pay once the prepaid balance paid the usage', () => {
    // 1.00 + 0.19 tax: the balance paid the 1.00 at issue, the tax is left.
    const paid = invoice({});
    const standing = {
      amountDueNano: paid.totalNano,
      balanceDueNano: 190_000_000n,
      amountDueCents: 119n,
      amountDueMinor: null,
    };
    const email = invoiceEmail(paid, standing);
    expect(email.text).toContain('Amount: 1.19 USD\nLeft to pay: 0.19 USD');
    // Nothing paid yet: the amount is what is due, and nothing more is said.
    expect(invoiceEmail(paid, { ...standing, balanceDueNano: paid.totalNano }).text).not.toContain(
      'Left to pay',
    );
    // In another currency, as its documents state it there.
    const converted: StoredConversion = {
      minorDigits: 0,
      lineMinor: ['150'],
      subtotalMinor: '150',
      taxMinor: '29',
      totalMinor: '179',
    };
    const yen = invoiceEmail(invoice({ currency: 'JPY', converted, language: 'zh-CN' }), {
      ...standing,
      amountDueMinor: 179n,
    });
    expect(yen.text).toContain('待付金额：29 JPY (0.19 USD)');
  });
});

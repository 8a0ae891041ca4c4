import { seededRandom } from '@gateway/testing';
import type { Invoice, StoredConversion, StoredInvoiceLine } from '../entities/invoice.entity';
import { creditNoteStatements, creditStatement } from './credit-note-statement';
import { convertInvoice, convertNano } from './currency-conversion';
import { creditableNano, refundToBalanceNano } from './creditable-amount';
import { roundedUsd } from './rounded-usd';
import { taxOn } from './tax';

const USD = 1_000_000_000n;

type Document = Pick<
  Invoice,
  'lines' | 'taxRate' | 'statedUsd' | 'converted' | 'subtotalNano' | 'exchangeRate'
>;

const line = (amountNano: bigint): StoredInvoiceLine => ({
  kind: 'usage',
  description: 'm',
  model: 'm',
  requests: 1,
  inputTokens: '0',
  cachedTokens: '0',
  outputTokens: '0',
  amountNano: amountNano.toString(),
});

function invoiceOf(lines: bigint[], taxRate: string, rate: string | null = null, digits = 2): Document {
  return {
    lines: lines.map(line),
    taxRate,
    statedUsd: null,
    converted: rate === null ? null : convertInvoice(lines, rate, digits, taxRate),
    exchangeRate: rate,
    subtotalNano: lines.reduce((sum, amount) => sum + amount, 0n),
  };
}

/** Issues credit notes of `amounts` (before tax, positive) in turn, as the issuer does. */
function creditInTurn(invoice: Document, amounts: bigint[]): Document[] {
  const notes: Document[] = [];
  for (const amount of amounts) {
    const stated = creditNoteStatements(invoice, notes, amount);
    notes.push({
      lines: [{ ...line(-amount), kind: 'credit' }],
      taxRate: invoice.taxRate,
      statedUsd: stated.usd,
      converted: stated.converted,
      exchangeRate: invoice.exchangeRate,
      subtotalNano: -amount,
    });
  }
  return notes;
}

const figures = (stated: StoredConversion) => ({
  subtotal: BigInt(stated.subtotalMinor),
  tax: BigInt(stated.taxMinor),
  total: BigInt(stated.totalMinor),
});

/** What the notes state together, per column, as positive amounts. */
function creditedTogether(notes: StoredConversion[]) {
  return notes.map(figures).reduce(
    (sum, note) => ({
      subtotal: sum.subtotal - note.subtotal,
      tax: sum.tax - note.tax,
      total: sum.total - note.total,
    }),
    { subtotal: 0n, tax: 0n, total: 0n },
  );
}

describe('what a credit note states', () => {
  it('two notes of 0.50 on 1.00 + 19% state 0.60 and then the 0.59 left, not 0.60 twice', () => {
    const invoice = invoiceOf([USD], '0.19');
    expect(roundedUsd(invoice)).toMatchObject({ subtotalMinor: '100', taxMinor: '19', totalMinor: '119' });
    const [first, second] = creditInTurn(invoice, [USD / 2n, USD / 2n]).map((note) => roundedUsd(note));
    expect(first).toEqual({
      minorDigits: 2,
      lineMinor: ['-50'],
      subtotalMinor: '-50',
      taxMinor: '-10',
      totalMinor: '-60',
    });
    expect(second).toEqual({
      minorDigits: 2,
      lineMinor: ['-50'],
      subtotalMinor: '-50',
      taxMinor: '-9',
      totalMinor: '-59',
    });
  });

  it('in the invoice’s currency too: 7.12 + 1.35 CNY credited in halves is 4.24 and 4.23', () => {
    const invoice = invoiceOf([USD], '0.19', '7.1234');
    expect(invoice.converted).toMatchObject({ subtotalMinor: '712', taxMinor: '135', totalMinor: '847' });
    const notes = creditInTurn(invoice, [USD / 2n, USD / 2n]);
    expect(notes.map((note) => note.converted?.totalMinor)).toEqual(['-424', '-423']);
    expect(notes.map((note) => note.statedUsd?.totalMinor)).toEqual(['-60', '-59']);
  });

  it('a hundred notes of a cent state the invoice’s 0.19 of tax in all, never more on the way', () => {
    const invoice = invoiceOf([USD], '0.19');
    const notes = creditInTurn(
      invoice,
      Array.from({ length: 100 }, () => USD / 100n),
    );
    for (let i = 1; i <= notes.length; i++) {
      const soFar = creditedTogether(notes.slice(0, i).map((note) => roundedUsd(note)));
      expect(soFar.tax).toBeLessThanOrEqual(19n);
      expect(soFar.subtotal).toBe(BigInt(i));
    }
    expect(creditedTogether(notes.map((note) => roundedUsd(note)))).toEqual({
      subtotal: 100n,
      tax: 19n,
      total: 119n,
    });
  });

  it('once something is paid, states no more than is left unpaid plus what goes back to the balance', () => {
    // 1.19 stated; the balance paid 1.00 and a transfer 0.16: 0.03 is left. Credited all it may,
    // 0.865546218 (1.029999999 with tax), the note would state 0.87 + 0.17 = 1.04 rounded alone.
    const invoice = invoiceOf([USD], '0.19');
    const amount = 865_546_218n;
    expect(creditNoteStatements(invoice, [], amount).usd.totalMinor).toBe('-104');
    const settled = {
      standing: {
        amountDueNano: 1_190_000_000n,
        balanceDueNano: 30_000_000n,
        amountDueCents: 119n,
        amountDueMinor: null,
      },
      refundNano: 999_999_999n,
    };
    expect(creditNoteStatements(invoice, [], amount, settled).usd).toEqual({
      minorDigits: 2,
      lineMinor: ['-87'],
      subtotalMinor: '-87',
      taxMinor: '-16',
      totalMinor: '-103',
    });
  });

  it('in yen too: on 180 yen with 1.01 of 1.19 USD paid, the note crediting all it may states 178 yen, not 179', () => {
    // 1.00 USD at 151.234567 is 151 yen, 29 of tax: 180. The balance paid 1.00, a transfer 0.01.
    const invoice = invoiceOf([USD], '0.19', '151.234567', 0);
    expect(invoice.converted).toMatchObject({ subtotalMinor: '151', taxMinor: '29', totalMinor: '180' });
    const room = {
      subtotalLeftNano: USD,
      paidNano: 1_010_000_000n,
      balanceDueNano: 180_000_000n,
      prepaidNano: USD,
      taxRate: '0.19',
    };
    const amount = creditableNano(room);
    const settled = {
      standing: {
        amountDueNano: 1_190_000_000n,
        balanceDueNano: room.balanceDueNano,
        amountDueCents: 119n,
        amountDueMinor: 180n,
      },
      refundNano: refundToBalanceNano(amount + taxOn(amount, '0.19'), room),
    };
    // Rounded alone its share states 179 yen, leaving 1 yen due where the 0.01 USD paid is 1.5 yen.
    expect(creditNoteStatements(invoice, [], amount).converted?.totalMinor).toBe('-179');
    const stated = creditNoteStatements(invoice, [], amount, settled);
    expect(stated.converted?.totalMinor).toBe('-178');
    expect(BigInt(stated.converted!.subtotalMinor) + BigInt(stated.converted!.taxMinor)).toBe(-178n);
    expect(stated.usd.totalMinor).toBe('-118');
  });

  it('a note after one issued before this rule (its cents rounded alone) settles what is left', () => {
    const invoice = invoiceOf([USD], '0.19');
    const legacy: Document = {
      lines: [{ ...line(-USD / 2n), kind: 'credit' }],
      taxRate: '0.19',
      statedUsd: null,
      converted: null,
      exchangeRate: null,
      subtotalNano: -USD / 2n,
    };
    expect(roundedUsd(legacy).totalMinor).toBe('-60');
    expect(creditNoteStatements(invoice, [legacy], USD / 2n).usd.totalMinor).toBe('-59');
    // A partial one after it states no tax, rather than give back what the earlier one overstated.
    const third = invoiceOf([2n * USD], '0.19');
    const partial = creditStatement({
      invoice: roundedUsd(third),
      invoiceSubtotalNano: 2n * USD,
      creditedBeforeNano: USD / 2n,
      amountNano: 1n,
      statedBefore: [{ ...roundedUsd(legacy), taxMinor: '-20', totalMinor: '-70' }],
      rate: '1',
      taxRate: '0.19',
    });
    expect(partial).toMatchObject({ subtotalMinor: '0', taxMinor: '0', totalMinor: '0' });
  });

  it('over random invoices and random partial credits: never more than the invoice states, exactly it once all is credited', () => {
    const random = seededRandom(20261206);
    const int = (max: number) => Math.floor(random() * (max + 1));
    const nano = (maxUsd: number) => BigInt(int(maxUsd)) * USD + BigInt(int(999_999_999));
    const rates = ['0', '0.19', '0.075', '0.2', '0.123456', '0.5', '1'];
    const currencies: [string | null, number][] = [
      [null, 2],
      ['7.1234', 2],
      ['0.91', 2],
      ['151.234567', 0],
      ['1', 2],
      ['0.000123', 2],
    ];
    for (let run = 0; run < 3000; run++) {
      // Lines from a fraction of a cent to hundreds of dollars, some negative (allowances, write-offs).
      const lines = Array.from({ length: 1 + int(5) }, () =>
        random() < 0.3 ? BigInt(int(30_000_000)) : nano([1, 10, 500][int(2)] as number),
      );
      if (random() < 0.2) lines.push(-BigInt(int(Number(lines[0]! / 2n))));
      const subtotal = lines.reduce((sum, amount) => sum + amount, 0n);
      if (subtotal <= 0n) continue;
      const [rate, digits] = currencies[int(currencies.length - 1)]!;
      const invoice = invoiceOf(lines, rates[int(rates.length - 1)]!, rate, digits);

      const amounts: bigint[] = [];
      let left = subtotal;
      while (left > 0n && amounts.length < 12) {
        const pick = random();
        let amount: bigint;
        if (pick < 0.15)
          amount = left; // the rest
        else if (pick < 0.4)
          amount = 1n + BigInt(int(20_000_000)); // up to two cents
        else if (pick < 0.6) amount = left / 2n;
        else amount = (left * BigInt(int(1000))) / 1000n;
        const credit = amount < 1n ? 1n : amount > left ? left : amount;
        amounts.push(credit);
        left -= credit;
      }
      const notes = creditInTurn(invoice, amounts);
      type Column = [StoredConversion, (note: Document) => StoredConversion];
      const columns: Column[] = [
        [roundedUsd(invoice), (note) => roundedUsd(note)],
        ...(invoice.converted
          ? [[invoice.converted, (note: Document) => note.converted as StoredConversion] as Column]
          : []),
      ];
      for (const [stated, of] of columns) {
        const whole = figures(stated);
        for (let i = 1; i <= notes.length; i++) {
          const note = of(notes[i - 1]!);
          expect(note.lineMinor).toEqual([note.subtotalMinor]);
          expect(BigInt(note.totalMinor)).toBe(BigInt(note.subtotalMinor) + BigInt(note.taxMinor));
          expect(note.minorDigits).toBe(stated.minorDigits);
          const soFar = creditedTogether(notes.slice(0, i).map(of));
          for (const column of ['subtotal', 'tax', 'total'] as const) {
            const [low, high] = whole[column] < 0n ? [whole[column], 0n] : [0n, whole[column]];
            if (soFar[column] < low || soFar[column] > high) {
              throw new Error(
                `run ${run}: after ${i} notes the ${column} credited is ${soFar[column]} of ${whole[column]} (${JSON.stringify({ lines: lines.map(String), rate, amounts: amounts.map(String) })})`,
              );
            }
          }
        }
        if (left === 0n) expect(creditedTogether(notes.map(of))).toEqual(whole);
      }
      // On a one-line invoice each note states its own amount rounded, give or take a unit.
      if (lines.length === 1) {
        for (const [i, amount] of amounts.entries()) {
          const own = convertNano(amount, rate ?? '1', rate ? digits : 2);
          const off = BigInt((rate ? notes[i]!.converted! : notes[i]!.statedUsd!).subtotalMinor) + own;
          expect(off >= -1n && off <= 1n).toBe(true);
        }
      }
    }
  });
});

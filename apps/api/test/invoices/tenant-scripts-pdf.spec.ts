// Tenant text in the scripts the CJK face lacks on an invoice PDF (Hebrew, Arabic, European letters
// beyond ASCII, Thai, Devanagari): the customer's name, address and a line's description come out in
// a font that has their glyphs (embedded only when used), read back (unpdf) as the letters that were
// stored, Arabic's letters joined and Devanagari's conjuncts formed (shaped), not the blank boxes of a
// font without them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { Invoice, InvoicePdfRenderer } from '@gateway/invoices';
import { pdfText } from './pdf-text';

interface Party {
  legalName: string;
  address: string;
  country: string;
}

function invoiceFor(customer: Party, description = 'gpt-4o-mini'): Invoice {
  const lines: Invoice['lines'] = [
    {
      kind: 'usage',
      description,
      model: 'gpt-4o-mini',
      requests: 12,
      inputTokens: '1000',
      cachedTokens: '0',
      outputTokens: '500',
      amountNano: '1230000000',
    },
  ];
  return Object.assign(new Invoice(), {
    id: '00000000-0000-4000-8000-000000000300',
    kind: 'invoice' as const,
    number: 'INV-2026-000300',
    tenantId: '00000000-0000-4000-8000-000000000001',
    period: '2026-10',
    periodStart: new Date('2026-10-01T00:00:00Z'),
    periodEnd: new Date('2026-11-01T00:00:00Z'),
    timezone: 'UTC',
    status: 'issued' as const,
    currency: 'USD',
    exchangeRate: null,
    exchangeRatePeriod: null,
    converted: null,
    language: 'en',
    issuer: {
      legalName: 'Acme AI Ltd.',
      address: '1 Market St, San Francisco',
      taxId: 'US12-3456789',
      email: 'billing@acme.example',
      paymentInstructions: null,
      footer: null,
      taxLabel: 'VAT',
      paymentTermsDays: 30,
      logo: null,
    },
    customer: { ...customer, taxId: null, email: 'ap@example.com' },
    dueAt: null,
    billingName: customer.legalName,
    billingEmail: 'ap@example.com',
    lines,
    payments: [],
    subtotalNano: 1_230_000_000n,
    taxRate: '0',
    taxNano: 0n,
    totalNano: 1_230_000_000n,
    creditNoteOf: null,
    reason: null,
    issuedAt: new Date('2026-11-01T02:00:00Z'),
  });
}

/** The PDF's embedded fonts by name (without the subset tag), each with its glyph count. */
function embeddedFonts(pdf: Buffer): Map<string, number> {
  const text = pdf.toString('latin1');
  const fonts = new Map<string, number>();
  // pdfkit writes a CID font's dictionary uncompressed: its name, then its widths, one per glyph.
  for (const match of text.matchAll(
    /\/BaseFont \/[A-Z]{6}\+([\w-]+)\s*\/CIDSystemInfo[\s\S]*?\/W \[0 \[([^\]]*)\]/g,
  )) {
    fonts.set(match[1] as string, (match[2] as string).trim().split(/\s+/).length);
  }
  return fonts;
}

/** The Unicode text each glyph of the named font maps to (its ToUnicode CMap), in glyph order. */
function glyphUnicodes(pdf: Buffer, font: string): string[] {
  const text = pdf.toString('latin1');
  const dict = new RegExp(`/BaseFont /[A-Z]{6}\\+${font}\\s[\\s\\S]*?/ToUnicode (\\d+) 0 R`).exec(text);
  expect(dict).not.toBeNull();
  const object = new RegExp(`\\n${dict![1]} 0 obj\\n<<[\\s\\S]*?>>\\nstream\\n`).exec(text);
  expect(object).not.toBeNull();
  const start = object!.index + object![0].length;
  const cmap = inflateSync(pdf.subarray(start, text.indexOf('\nendstream', start))).toString('latin1');
  // pdfkit's map is ranges of glyph ids, each with an array of one entry per glyph: <0645>, <d83d de00>.
  const entries = [...cmap.matchAll(/\[([^\]]*)\]/g)].flatMap(([, list]) => [
    ...list!.matchAll(/<([0-9a-f ]*)>/gi),
  ]);
  return entries.map(([, hex]) =>
    String.fromCharCode(...(hex!.match(/[0-9a-f]{4}/gi) ?? []).map((unit) => parseInt(unit, 16))),
  );
}

/**
 * The fonts (by name, without the subset tag) in which the PDF draws glyph 0, .notdef: the box a face
 * draws for a character it has no glyph for. pdfkit numbers a subset's glyphs from .notdef's 0 and
 * shows text as hex strings of 4-digit glyph ids after selecting a font (`/F2 10 Tf`).
 */
function boxesDrawn(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const fontNames = new Map<string, string>();
  for (const [, dict] of text.matchAll(/\/Font <<([^>]*)>>/g)) {
    for (const [, resource, object] of dict!.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
      const base = new RegExp(`\\n${object} 0 obj\\n<<[\\s\\S]*?/BaseFont /(?:[A-Z]{6}\\+)?([\\w-]+)`).exec(
        text,
      );
      fontNames.set(resource!, base?.[1] ?? resource!);
    }
  }
  const boxes = new Set<string>();
  for (const match of text.matchAll(/stream\r?\n/g)) {
    const start = match.index + match[0].length;
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, text.indexOf('endstream', start))).toString('latin1');
    } catch {
      continue; // not deflated: no content stream of pdfkit's
    }
    if (!/\bBT\b/.test(content)) continue;
    let font = '';
    for (const [, selected, shown] of content.matchAll(/\/(F\d+) [\d.]+ Tf|<([0-9a-f]*)>/gi)) {
      if (selected !== undefined) font = fontNames.get(selected) ?? selected;
      else if ((shown!.match(/.{4}/g) ?? ([] as string[])).includes('0000')) boxes.add(font);
    }
  }
  return [...boxes];
}

/** Kept for a look at the layout (CI keeps test-artifacts/). */
function keep(name: string, pdf: Buffer): void {
  const artifacts = join(__dirname, '../../../../test-artifacts/invoices');
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, name), pdf);
}

describe('invoice PDFs with tenant text in other scripts than Latin and Chinese', () => {
  const renderer = new InvoicePdfRenderer();

  it('prints a Hebrew customer in the Hebrew font, and reads back as the letters stored', async () => {
    const pdf = await renderer.render(
      invoiceFor({ legalName: 'Acme בע״מ', address: 'רחוב הרצל 12, תל אביב', country: 'IL' }),
    );
    keep('rtl-hebrew-customer.pdf', pdf);
    expect(boxesDrawn(pdf)).toEqual([]);
    const fonts = embeddedFonts(pdf);
    expect([...fonts.keys()]).toContain('NotoSansHebrew');
    expect([...fonts.keys()].some((name) => name.startsWith('NotoNaskhArabic'))).toBe(false);

    const { text } = await pdfText(pdf);
    const letters = text.replace(/\s+/g, '');
    for (const word of ['Acme', 'בע״מ', 'רחוב', 'הרצל', '12', 'תל', 'אביב']) {
      expect(letters).toContain(word);
    }
    // Every Hebrew letter stored has a glyph that says it is that letter.
    const glyphs = glyphUnicodes(pdf, 'NotoSansHebrew').join('');
    for (const letter of 'בע״מרחובהצלתאי') expect(glyphs).toContain(letter);
  }, 30_000);

  it('prints an Arabic customer and line in the Arabic font, its letters joined', async () => {
    const pdf = await renderer.render(
      invoiceFor(
        { legalName: 'شركة محمد Acme', address: 'شارع الملك فهد، الرياض', country: 'SA' },
        'ترجمة المستندات',
      ),
    );
    keep('rtl-arabic-customer.pdf', pdf);
    expect(boxesDrawn(pdf)).toEqual([]);
    const fonts = embeddedFonts(pdf);
    expect([...fonts.keys()]).toContain('NotoNaskhArabic');
    expect([...fonts.keys()].some((name) => name.startsWith('NotoSansHebrew'))).toBe(false);

    const { text } = await pdfText(pdf);
    const letters = text.replace(/\s+/g, '');
    for (const word of ['شركة', 'محمد', 'Acme', 'شارع', 'الملك', 'فهد', 'الرياض', 'ترجمة', 'المستندات']) {
      expect(letters).toContain(word);
    }
    // Joined: "محمد" sets its first meem in the initial form and its second in the medial one, so the
    // font's subset holds two glyphs that both stand for meem (an unshaped run would hold one).
    const meems = glyphUnicodes(pdf, 'NotoNaskhArabic').filter((unicode) => unicode === 'م');
    expect(meems.length).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('carries a right-to-left footer too long for the page over to the next, as it does a Latin one', async () => {
    const footer = (sentence: string) => Array<string>(120).fill(sentence).join(' ');
    const withFooter = (text: string) => {
      const invoice = invoiceFor({ legalName: 'Acme Inc.', address: '1 Main St', country: 'US' });
      invoice.issuer = { ...invoice.issuer!, footer: text };
      return renderer.render(invoice);
    };
    const latin = await pdfText(
      await withFooter(footer('Thank you for your business, all rights reserved.')),
    );
    const hebrewPdf = await withFooter(footer('תודה שבחרתם בנו, כל הזכויות שמורות לחברת אקמה.'));
    keep('rtl-long-footer.pdf', hebrewPdf);
    const hebrew = await pdfText(hebrewPdf);
    // Drawn line under line past the page's end, the rest of the footer fell off the paper.
    expect(latin.totalPages).toBeGreaterThan(1);
    expect(hebrew.totalPages).toBeGreaterThan(1);
  }, 30_000);

  it('prints European names beyond ASCII (Polish, Czech, Turkish, Greek, Ukrainian) in Noto Sans, not as boxes', async () => {
    const pdf = await renderer.render(
      invoiceFor(
        { legalName: 'Zakład Łódź Sp. z o.o.', address: 'Şişli İstanbul; Αθήνας 12; Київ', country: 'PL' },
        'Překlad — Dvořák ₺',
      ),
    );
    keep('european-customer.pdf', pdf);
    expect(boxesDrawn(pdf)).toEqual([]);
    const fonts = embeddedFonts(pdf);
    expect([...fonts.keys()]).toContain('NotoSans-Regular');
    const { text } = await pdfText(pdf);
    const letters = text.replace(/\s+/g, '');
    for (const word of ['Zakład', 'Łódź', 'Şişli', 'İstanbul', 'Αθήνας', 'Київ', 'Dvořák', '₺']) {
      expect(letters).toContain(word);
    }
    // Each of those letters has a glyph of its own in Noto Sans (the CJK face would have drawn .notdef).
    const glyphs = glyphUnicodes(pdf, 'NotoSans-Regular').join('');
    for (const letter of 'łŁóźŞşİΑθήКїřá₺') expect(glyphs).toContain(letter);
  }, 30_000);

  it('prints a Thai customer and line in the Thai font, not as boxes', async () => {
    const pdf = await renderer.render(
      invoiceFor(
        { legalName: 'บริษัท สยามเทคโนโลยี จำกัด', address: '99 ถนนสุขุมวิท กรุงเทพฯ 10110', country: 'TH' },
        'แปลเอกสาร ๑๒๓',
      ),
    );
    keep('thai-customer.pdf', pdf);
    const fonts = embeddedFonts(pdf);
    expect([...fonts.keys()]).toContain('NotoSansThai-Regular');
    expect([...fonts.keys()].some((name) => /Devanagari|Hebrew|Arabic/.test(name))).toBe(false);
    const { text } = await pdfText(pdf);
    for (const word of ['บริษัท', 'สยามเทคโนโลยี', 'ถนนสุขุมวิท', 'กรุงเทพฯ', '10110', 'แปลเอกสาร', '๑๒๓']) {
      expect(text).toContain(word);
    }
    // No box anywhere (set in the CJK face, each Thai letter was one), and every letter stored has a
    // glyph of the Thai face that says it is that letter.
    expect(boxesDrawn(pdf)).toEqual([]);
    const glyphs = glyphUnicodes(pdf, 'NotoSansThai-Regular').join('');
    for (const letter of 'บริษัทสยามเทคโนลีจกดถุขวิงพฯแปลอสร๑๒๓') expect(glyphs).toContain(letter);
  }, 30_000);

  it('prints Devanagari in its font, shaped: conjuncts are one glyph, a joiner kept', async () => {
    const pdf = await renderer.render(
      invoiceFor(
        { legalName: 'भारत प्रौद्योगिकी प्राइवेट लिमिटेड', address: 'मुंबई, महाराष्ट्र 400001', country: 'IN' },
        'दस्तावेज़ अनुवाद — क्\u200dष',
      ),
    );
    keep('devanagari-customer.pdf', pdf);
    const fonts = embeddedFonts(pdf);
    expect([...fonts.keys()]).toContain('NotoSansDevanagari-Regular');
    const { text } = await pdfText(pdf);
    // Read back in logical order where no vowel sign is drawn before its consonant.
    for (const word of ['भारत', 'महाराष्ट्र', '400001', 'अनुवाद']) expect(text).toContain(word);
    expect(boxesDrawn(pdf)).toEqual([]);
    // Shaped: "प्र" and "द्य" are each drawn as one glyph standing for their three characters (set
    // letter by letter, no glyph would stand for more than one).
    const glyphs = glyphUnicodes(pdf, 'NotoSansDevanagari-Regular');
    expect(glyphs).toEqual(expect.arrayContaining(['प्र', 'द्य']));
    // The joiner asked for ka's half form before ssa, not the conjunct "क्ष" it makes without one.
    expect(glyphs).toContain('क्');
    expect(glyphs).not.toContain('क्ष');
  }, 30_000);

  it('embeds none of those faces for an invoice in ASCII', async () => {
    const pdf = await renderer.render(
      invoiceFor({ legalName: 'Acme Inc.', address: '1 Main St', country: 'US' }),
    );
    const names = [...embeddedFonts(pdf).keys()];
    expect(names.some((name) => /Hebrew|Arabic|Thai|Devanagari|^NotoSans-/.test(name))).toBe(false);
    expect(names.some((name) => name.startsWith('NotoSansHans'))).toBe(true);
  }, 30_000);
});

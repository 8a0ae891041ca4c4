// Renders an issued invoice (or credit note) to PDF with pdfkit, in a font that covers Chinese (and
// Hebrew and Arabic fonts for tenant text in those scripts, laid out right to left), with the labels
// in the tenant's language. The document states only what was fixed at issue (no payment
// status: it is stored once and served for ever, and the status changes; the API and the console
// carry it), and its dates are the invoice's, so rendering the same invoice twice gives the same
// text. USD amounts are stated to the cent (rounded-usd.ts; a credit note's as issued). Long invoices break across pages with
// the table's header repeated and every page numbered.
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { nanoToUsd } from '@gateway/db';
import type { Invoice, StoredInvoiceLine } from '../entities/invoice.entity';
import type { StoredConversion } from '../entities/invoice.entity';
import { minorText } from '../generation/currency-conversion';
import { centsOf, roundedUsd } from '../generation/rounded-usd';
import { convertedBalanceMinor } from '../settlement/converted-balance';
import { CjkFont, CjkFontFiles, FontFace, locateCjkFont, readCjkFont } from './cjk-font';
import { invoiceLabels, InvoiceLabels } from './invoice-labels';
import { BoxOptions, ScriptFonts, textHeight, writeText } from './mixed-script-text';
import {
  FACE_SCRIPTS,
  FaceScript,
  locateScriptFonts,
  readScriptFonts,
  ScriptFaces,
  ScriptFontFiles,
} from './script-fonts';
import { needsScriptLayout } from './script-runs';

const REGULAR = 'cjk';
const BOLD = 'cjk-bold';
type Weight = typeof REGULAR | typeof BOLD;
/** Each weight's faces by script; pdfkit embeds (a subset of) a face only once text is set in it. */
const SCRIPT_FONTS: Record<Weight, ScriptFonts> = {
  [REGULAR]: {
    base: REGULAR,
    latin: 'latin',
    hebrew: 'hebrew',
    arabic: 'arabic',
    thai: 'thai',
    devanagari: 'devanagari',
  },
  [BOLD]: {
    base: BOLD,
    latin: 'latin-bold',
    hebrew: 'hebrew-bold',
    arabic: 'arabic-bold',
    thai: 'thai-bold',
    devanagari: 'devanagari-bold',
  },
};
const MARGIN = 50;
const FOOTER_SPACE = 40;
const GREY = '#555555';

interface Column {
  x: number;
  width: number;
}

/** What the document says beyond the invoice row itself: facts of its issue, never its later standing. */
export interface InvoiceRenderContext {
  /** For a credit note: the number of the invoice it corrects. */
  correctsNumber?: string | null;
  /** What the prepaid balance paid of the invoice (its `balance` settlement, written at issue). */
  prepaidNano?: bigint;
}

export function invoiceFilename(invoice: Pick<Invoice, 'number'>): string {
  return `${invoice.number}.pdf`;
}

/**
 * How long the font's 17 MB stay in memory after the last render: a month's close renders its
 * invoices in a run, and the worker need not keep them for the next month.
 */
export const FONT_IDLE_RELEASE_MS = 60_000;

interface InvoiceFonts {
  cjk: CjkFont;
  scripts: ScriptFaces;
}

interface InvoiceFontFiles {
  cjk: CjkFontFiles;
  scripts: Record<FaceScript, ScriptFontFiles>;
}

@Injectable()
export class InvoicePdfRenderer implements OnModuleInit {
  private files: InvoiceFontFiles | undefined;
  private loaded: { font: InvoiceFonts; release: NodeJS.Timeout } | undefined;

  /** Fails the worker's startup, with what to install, when a font (CJK, Hebrew, Arabic, ...) is not there. */
  onModuleInit(): void {
    const files = this.fontFiles();
    const others = FACE_SCRIPTS.map((script) => files.scripts[script].regular);
    new Logger('Invoices').log(
      `invoice PDFs set in ${files.cjk.source}, with ${others.slice(0, -1).join(', ')} and ${others.at(-1)}`,
    );
  }

  /** Whether the font's bytes are in memory (between a run of renders and FONT_IDLE_RELEASE_MS after). */
  get fontLoaded(): boolean {
    return this.loaded !== undefined;
  }

  async render(invoice: Invoice, context: InvoiceRenderContext = {}): Promise<Buffer> {
    const font = this.font();
    const labels = invoiceLabels(invoice.language ?? 'en');
    const title = invoice.kind === 'credit_note' ? labels.creditNote : labels.invoice;
    // pdfkit (and its font engine) loads at the first render, not with every process that imports this.
    const { default: PDFDocument } = await import('pdfkit');
    const doc: PDFKit.PDFDocument = new PDFDocument({
      size: 'A4',
      // The bottom margin keeps the "Page n of N" band (pageNumbers) clear: text that wraps past it,
      // pdfkit's own or a right-to-left line's, goes on at the next page instead of over the number.
      margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN + FOOTER_SPACE },
      bufferPages: true,
      info: {
        Title: `${title} ${invoice.number}`,
        Author: invoice.issuer?.legalName ?? 'LLM gateway',
        CreationDate: invoice.issuedAt,
        ModDate: invoice.issuedAt,
      },
    });
    const done = collect(doc);
    register(doc, REGULAR, font.cjk.regular);
    register(doc, BOLD, font.cjk.bold);
    for (const script of FACE_SCRIPTS) {
      register(doc, SCRIPT_FONTS[REGULAR][script], font.scripts[script].regular);
      register(doc, SCRIPT_FONTS[BOLD][script], font.scripts[script].bold);
    }
    new InvoiceDocument(doc, invoice, labels, context).write();
    doc.end();
    return done;
  }

  private fontFiles(): InvoiceFontFiles {
    return (this.files ??= { cjk: locateCjkFont(), scripts: locateScriptFonts() });
  }

  /**
   * The fonts, read at the first render of a run (not per PDF) and let go once no render needed them
   * for a while.
   */
  private font(): InvoiceFonts {
    if (this.loaded) {
      this.loaded.release.refresh();
      return this.loaded.font;
    }
    const files = this.fontFiles();
    const font = { cjk: readCjkFont(files.cjk), scripts: readScriptFonts(files.scripts) };
    const release = setTimeout(() => (this.loaded = undefined), FONT_IDLE_RELEASE_MS);
    release.unref();
    this.loaded = { font, release };
    return font;
  }
}

/** One document being written: the layout decisions in one place. */
class InvoiceDocument {
  private readonly converted: boolean;
  /** The USD amounts as stated, in cents: each line rounded, the subtotal their sum. */
  private readonly usd: StoredConversion;
  private readonly columns: Column[];
  private readonly headers: string[];

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly invoice: Invoice,
    private readonly labels: InvoiceLabels,
    private readonly context: InvoiceRenderContext,
  ) {
    this.converted = invoice.converted !== null && invoice.converted !== undefined;
    this.usd = roundedUsd(invoice);
    const widths = this.converted ? [140, 45, 62, 58, 62, 64, 64] : [175, 50, 70, 60, 70, 70];
    let x = MARGIN;
    this.columns = widths.map((width) => {
      const column = { x, width };
      x += width;
      return column;
    });
    this.headers = [
      labels.description,
      labels.requests,
      labels.input,
      labels.cached,
      labels.output,
      labels.amount('USD'),
      ...(this.converted ? [labels.amount(invoice.currency)] : []),
    ];
  }

  write(): void {
    this.header();
    this.parties();
    this.facts();
    this.table();
    this.totals();
    this.payments();
    this.closing();
    this.pageNumbers();
  }

  private get bottom(): number {
    return this.doc.page.height - MARGIN - FOOTER_SPACE;
  }

  private ensureRoom(height: number, repeatTableHeader = false): void {
    if (this.doc.y + height <= this.bottom) return;
    this.doc.addPage();
    if (repeatTableHeader) this.tableHeader();
  }

  private header(): void {
    const { doc, invoice, labels } = this;
    const logo = invoice.issuer?.logo ? logoBuffer(invoice.issuer.logo) : null;
    const top = doc.y;
    if (logo) {
      try {
        doc.image(logo, doc.page.width - MARGIN - 120, top, { fit: [120, 48], align: 'right' });
      } catch {
        // A logo pdfkit cannot read is left out rather than failing the invoice.
      }
    }
    const title = invoice.kind === 'credit_note' ? labels.creditNote : labels.invoice;
    doc
      .font(BOLD)
      .fontSize(20)
      .fillColor('black')
      .text(`${title} ${invoice.number}`, MARGIN, top, { width: 330 });
    doc.y = Math.max(doc.y, top + 52);
    doc.moveDown(0.5);
  }

  private parties(): void {
    const { doc, invoice, labels } = this;
    const top = doc.y;
    const half = (doc.page.width - MARGIN * 2) / 2 - 10;
    const block = (x: number, heading: string, lines: (string | null | undefined)[]) => {
      doc.font(BOLD).fontSize(10).text(heading, x, top, { width: half });
      doc.font(REGULAR).fontSize(9);
      for (const line of lines) if (line) this.put(REGULAR, line, x, doc.y, { width: half });
      return doc.y;
    };
    const issuer = invoice.issuer;
    const left = block(
      MARGIN,
      labels.issuer,
      issuer
        ? [issuer.legalName, issuer.address, issuer.taxId && `${labels.taxId}: ${issuer.taxId}`, issuer.email]
        : ['—'],
    );
    const customer = invoice.customer;
    const right = block(
      MARGIN + half + 20,
      labels.billTo,
      customer
        ? [
            customer.legalName,
            customer.address,
            customer.country,
            customer.taxId && `${labels.taxId}: ${customer.taxId}`,
            customer.email,
          ]
        : [invoice.billingName, invoice.billingEmail],
    );
    doc.x = MARGIN;
    doc.y = Math.max(left, right);
    doc.moveDown();
  }

  private facts(): void {
    const { doc, invoice, labels, context } = this;
    const facts: [string, string][] = [
      [labels.invoiceDate, day(invoice.issuedAt)],
      ...(invoice.dueAt ? [[labels.dueDate, day(invoice.dueAt)] as [string, string]] : []),
      [labels.period, `${invoice.period} (${invoice.timezone})`],
      [labels.currency, invoice.currency],
    ];
    if (context.correctsNumber) facts.push([labels.corrects, context.correctsNumber]);
    if (invoice.reason) facts.push([labels.reason, invoice.reason]);
    doc.fontSize(9);
    for (const [label, value] of facts) {
      if (needsScriptLayout(value)) {
        this.labelled(`${label}: `, value);
        continue;
      }
      doc.font(BOLD).text(`${label}: `, MARGIN, doc.y, { continued: true });
      doc.font(REGULAR).text(value);
    }
    if (invoice.exchangeRate && invoice.exchangeRatePeriod) {
      doc
        .font(REGULAR)
        .text(labels.exchangeRate(invoice.currency, invoice.exchangeRate, invoice.exchangeRatePeriod));
    }
    doc.fillColor(GREY).fontSize(8);
    // A credit note issued with its share of the invoice's amounts says so instead of the line rule.
    if (invoice.statedUsd) doc.text(labels.creditRounding, { width: doc.page.width - MARGIN * 2 });
    else {
      doc.text(labels.usdRounding, { width: doc.page.width - MARGIN * 2 });
      if (invoice.exchangeRate) doc.text(labels.rounding, { width: doc.page.width - MARGIN * 2 });
    }
    doc.fillColor('black');
    doc.moveDown();
  }

  /** A bold label and a value (a reason in Hebrew, say) that wraps beside it, not under it. */
  private labelled(label: string, value: string): void {
    const { doc } = this;
    const y = doc.y;
    doc.font(BOLD).text(label, MARGIN, y, { lineBreak: false });
    const indent = doc.widthOfString(label);
    this.put(REGULAR, value, MARGIN + indent, y, { width: doc.page.width - MARGIN * 2 - indent });
    doc.x = MARGIN;
  }

  /**
   * Text that may be tenant data, so in any script: in the weight's face for Latin and CJK, or run by
   * run in the Hebrew and Arabic faces, right-to-left runs in visual order.
   */
  private put(font: Weight, text: string, x: number, y: number, box: BoxOptions): void {
    writeText(this.doc, text, SCRIPT_FONTS[font], x, y, box);
  }

  private tableHeader(): void {
    this.row(BOLD, this.headers, 9);
    const y = this.doc.y - 1;
    this.doc
      .moveTo(MARGIN, y)
      .lineTo(this.doc.page.width - MARGIN, y)
      .lineWidth(0.5)
      .stroke();
    this.doc.y += 2;
  }

  private table(): void {
    this.ensureRoom(60);
    this.tableHeader();
    this.invoice.lines.forEach((line, i) => {
      const minor = this.invoice.converted?.lineMinor[i];
      const amounts = [minorText(this.usd.lineMinor[i] ?? '0', 2)];
      if (this.converted) amounts.push(minor === undefined ? '' : minorText(minor, this.digits));
      const cells = [
        this.describe(line),
        // A write-off's requests are counted in its description, not again in the column.
        line.requests === null || line.kind === 'write_off' ? '' : String(line.requests),
        line.inputTokens ?? '',
        line.cachedTokens ?? '',
        line.outputTokens ?? '',
        ...amounts,
      ];
      const note = this.priceNote(line);
      // A line and its unit prices stay on one page.
      this.ensureRoom(this.rowHeight(REGULAR, cells, 8) + (note ? 12 : 0), true);
      this.row(REGULAR, cells, 8);
      if (note) {
        this.doc.font(REGULAR).fontSize(7).fillColor(GREY);
        this.doc.text(note, MARGIN + 8, this.doc.y - 1, { width: this.doc.page.width - MARGIN * 2 - 8 });
        this.doc.fillColor('black');
        this.doc.x = MARGIN;
        this.doc.y += 2;
      }
    });
    this.doc.moveDown(0.5);
  }

  private get digits(): number {
    return this.invoice.converted?.minorDigits ?? 2;
  }

  private describe(line: StoredInvoiceLine): string {
    if (line.kind === 'plan_allowance') return this.labels.includedInPlan;
    if (line.kind === 'plan_fee') return line.description.replace(/^Plan: /, `${this.labels.planFee}: `);
    if (line.kind === 'write_off') return this.labels.writtenOff(line.model ?? '', line.requests ?? 0);
    return line.description;
  }

  private priceNote(line: StoredInvoiceLine): string | null {
    const prices = line.unitPrices;
    if (!prices) return null;
    const note = this.labels.unitPrices(
      money(BigInt(prices.inputPer1MNano)),
      money(BigInt(prices.cachedPer1MNano)),
      money(BigInt(prices.outputPer1MNano)),
      money(BigInt(prices.perRequestNano)),
    );
    return prices.changedInPeriod ? `${note} (${this.labels.priceChanged})` : note;
  }

  /**
   * The room a row takes: its tallest cell, at least the one line it was always given. A row is
   * written cell by cell at one height, so it must fit its page whole: a description wrapping past
   * the page's end went on at the next page's top, and the row's numbers were written there too.
   */
  private rowHeight(font: Weight, cells: string[], size: number): number {
    this.doc.font(font).fontSize(size);
    const tallest = Math.max(
      ...this.columns.map((column, i) =>
        textHeight(this.doc, cells[i] ?? '', SCRIPT_FONTS[font], { width: column.width - (i === 0 ? 6 : 0) }),
      ),
    );
    return Math.max(tallest + 3, 14);
  }

  private row(font: Weight, cells: string[], size: number): void {
    const { doc } = this;
    const y = doc.y;
    doc.font(font).fontSize(size);
    let bottom = y;
    this.columns.forEach((column, i) => {
      this.put(font, cells[i] ?? '', column.x, y, {
        width: column.width - (i === 0 ? 6 : 0),
        align: i === 0 ? 'left' : 'right',
      });
      bottom = Math.max(bottom, doc.y);
    });
    doc.x = MARGIN;
    doc.y = bottom + 3;
  }

  private totals(): void {
    const { invoice, labels } = this;
    const taxLabel = `${invoice.issuer?.taxLabel || labels.tax} (${percent(invoice.taxRate)})`;
    const converted = invoice.converted;
    this.ensureRoom(60);
    this.total(REGULAR, labels.subtotal, this.usd.subtotalMinor, converted?.subtotalMinor);
    this.total(REGULAR, taxLabel, this.usd.taxMinor, converted?.taxMinor);
    this.total(BOLD, labels.total, this.usd.totalMinor, converted?.totalMinor);
    this.prepaid();
  }

  /**
   * The usage the prepaid balance already paid, and what that leaves to pay: in each currency as
   * Pay online charges it (convertedBalanceMinor, USD to the cent), so the two add up to the total.
   */
  private prepaid(): void {
    const { invoice, labels } = this;
    const prepaidNano = this.context.prepaidNano ?? 0n;
    if (invoice.kind !== 'invoice' || prepaidNano <= 0n) return;
    const dueNano = invoice.totalNano - prepaidNano;
    const totalCents = BigInt(this.usd.totalMinor);
    const dueCents = convertedBalanceMinor(totalCents, invoice.totalNano, dueNano);
    const totalMinor = invoice.converted ? BigInt(invoice.converted.totalMinor) : null;
    const dueMinor =
      totalMinor === null ? null : convertedBalanceMinor(totalMinor, invoice.totalNano, dueNano);
    this.total(
      REGULAR,
      labels.paidFromBalance,
      (dueCents - totalCents).toString(),
      totalMinor === null || dueMinor === null ? undefined : (dueMinor - totalMinor).toString(),
    );
    this.total(BOLD, labels.amountDue, dueCents.toString(), dueMinor?.toString());
  }

  private total(font: Weight, label: string, cents: string, minor: string | undefined): void {
    const { doc } = this;
    // The label may be long (the tax's, in Chinese), so the amount spans the two columns at its end.
    const from = (this.columns[4] as Column).x;
    const to = (this.columns[5] as Column).x + (this.columns[5] as Column).width;
    const y = doc.y;
    doc.font(font).fontSize(9);
    this.put(font, label, MARGIN, y, { width: from - MARGIN - 6, align: 'right' });
    doc.text(minorText(cents, 2), from, y, { width: to - from, align: 'right' });
    const convertedColumn = this.columns[6];
    if (convertedColumn && minor !== undefined) {
      doc.text(minorText(minor, this.digits), convertedColumn.x, y, {
        width: convertedColumn.width,
        align: 'right',
      });
    }
    doc.x = MARGIN;
    doc.moveDown(0.2);
  }

  private payments(): void {
    const { doc, invoice, labels } = this;
    if (invoice.payments.length === 0) return;
    doc.moveDown();
    this.ensureRoom(30);
    doc.x = MARGIN;
    doc.font(BOLD).fontSize(9).text(labels.paymentsInPeriod);
    for (const payment of invoice.payments) {
      const label = `${payment.date.slice(0, 10)}  ${labels.paymentKinds[payment.kind] ?? payment.kind}`;
      const cells = [
        payment.note ? `${label}: ${payment.note}` : label,
        '',
        '',
        '',
        '',
        minorText(centsOf(BigInt(payment.amountNano)), 2),
      ];
      this.ensureRoom(this.rowHeight(REGULAR, cells, 8));
      this.row(REGULAR, cells, 8);
    }
  }

  private closing(): void {
    const { doc, invoice, labels } = this;
    const issuer = invoice.issuer;
    if (invoice.kind === 'invoice' && issuer?.paymentInstructions) {
      doc.moveDown();
      this.ensureRoom(40);
      doc.x = MARGIN;
      doc.font(BOLD).fontSize(9).text(labels.paymentInstructions);
      doc.fontSize(9);
      this.put(REGULAR, issuer.paymentInstructions, MARGIN, doc.y, { width: doc.page.width - MARGIN * 2 });
    }
    if (issuer?.footer) {
      doc.moveDown();
      this.ensureRoom(30);
      doc.x = MARGIN;
      doc.fontSize(8).fillColor(GREY);
      this.put(REGULAR, issuer.footer, MARGIN, doc.y, { width: doc.page.width - MARGIN * 2 });
      doc.fillColor('black');
    }
  }

  /** "Page n of N" at the foot of every page, written once the page count is known. */
  private pageNumbers(): void {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const margin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0; // writing below the margin must not open another page
      doc
        .font(REGULAR)
        .fontSize(8)
        .fillColor(GREY)
        .text(
          `${this.invoice.number} · ${this.labels.page(i - range.start + 1, range.count)}`,
          MARGIN,
          doc.page.height - MARGIN - 12,
          { width: doc.page.width - MARGIN * 2, align: 'center', lineBreak: false },
        );
      doc.page.margins.bottom = margin;
    }
    doc.fillColor('black');
  }
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function logoBuffer(dataUrl: string): Buffer | null {
  const comma = dataUrl.indexOf(',');
  return comma < 0 ? null : Buffer.from(dataUrl.slice(comma + 1), 'base64');
}

/** A unit price as set: at least cents, and every nano-dollar there is ("1.50", "0.000405"). */
export function money(nano: bigint): string {
  const usd = nanoToUsd(nano);
  const [whole, fraction = ''] = usd.split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

/** A decimal rate ("0.08", "0.075") as a percentage ("8%", "7.5%"), exactly: the point moves two places. */
export function percent(rate: string): string {
  const [whole = '0', fraction = ''] = rate.split('.');
  const digits = `${whole}${fraction.padEnd(2, '0')}`;
  const cut = whole.length + 2;
  const integer = digits.slice(0, cut).replace(/^0+(?=\d)/, '');
  const rest = digits.slice(cut).replace(/0+$/, '');
  return `${integer}${rest ? `.${rest}` : ''}%`;
}

function register(doc: PDFKit.PDFDocument, name: string, face: FontFace): void {
  if (face.family) doc.registerFont(name, face.data, face.family);
  else doc.registerFont(name, face.data);
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

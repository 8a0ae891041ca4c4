// Writes text in a script the base (ASCII and CJK) face lacks (European letters beyond ASCII, Hebrew,
// Arabic, Thai, Devanagari) into a pdfkit document: each run in a font that has its glyphs, the runs
// of a line in visual order, lines broken at spaces to the box's width. pdfkit's own text() knows one
// font per call and no bidi, so it would print such text as boxes or backwards; other text still goes
// through text() unchanged (the CJK layout as it was).
import type { EmbeddingLevels } from 'bidi-js';
import { needsScriptLayout, paragraphLevels, RunScript, ScriptRun, visualRuns } from './script-runs';

/** The registered pdfkit font names for one weight: the base (ASCII and CJK) face and the others. */
export type ScriptFonts = Record<RunScript, string>;

export interface BoxOptions {
  width: number;
  align?: 'left' | 'right' | 'center';
}

/** fontkit lays out the whole run (not word by word, as pdfkit does by default), keeping RTL words in order. */
const WHOLE_RUN = { features: [] as PDFKit.Mixins.OpenTypeFeatures[] };

/** pdfkit's current font and size, not in its type definitions: for one baseline across faces of unlike ascent. */
interface CurrentFont {
  _font: { ascender: number };
  _fontSize: number;
}

/** pdfkit's current fill colour, also untyped: a new page starts black, and pdfkit's text() sets it again. */
interface CurrentFill {
  _fillColor?: Parameters<PDFKit.PDFDocument['fillColor']>;
}

export function writeText(
  doc: PDFKit.PDFDocument,
  text: string,
  fonts: ScriptFonts,
  x: number,
  y: number,
  box: BoxOptions,
): void {
  doc.font(fonts.base);
  if (!needsScriptLayout(text)) {
    doc.text(text, x, y, box);
    return;
  }
  new MixedScriptText(doc, fonts, box).write(text, x, y);
}

/** How tall writeText would set `text` in the box, at the document's current size. */
export function textHeight(
  doc: PDFKit.PDFDocument,
  text: string,
  fonts: ScriptFonts,
  box: BoxOptions,
): number {
  doc.font(fonts.base);
  if (!needsScriptLayout(text)) return doc.heightOfString(text, box);
  return new MixedScriptText(doc, fonts, box).height(text);
}

class MixedScriptText {
  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly fonts: ScriptFonts,
    private readonly box: BoxOptions,
  ) {}

  write(text: string, x: number, y: number): void {
    const { doc, fonts } = this;
    doc.font(fonts.base);
    const lineHeight = doc.currentLineHeight(true);
    const current = doc as unknown as CurrentFont;
    const ascent = (current._font.ascender / 1000) * current._fontSize;
    let top = y;
    for (const paragraph of text.split(/\r\n|\r|\n/)) {
      const levels = paragraphLevels(paragraph);
      for (const [start, end] of this.lines(paragraph, levels)) {
        if (top + lineHeight > doc.page.maxY()) top = this.nextPage();
        this.drawLine(visualRuns(paragraph, levels, start, end), x, top + ascent);
        top += lineHeight;
      }
    }
    doc.font(fonts.base);
    doc.x = x;
    doc.y = top;
  }

  height(text: string): number {
    const { doc, fonts } = this;
    doc.font(fonts.base);
    const lineHeight = doc.currentLineHeight(true);
    let lines = 0;
    for (const paragraph of text.split(/\r\n|\r|\n/))
      lines += this.lines(paragraph, paragraphLevels(paragraph)).length;
    doc.font(fonts.base);
    return lines * lineHeight;
  }

  /**
   * A line that would pass the page's bottom margin goes on at the top of the next page, as pdfkit's
   * text() carries on, in the same colour: drawn where it was, it ran off the paper.
   */
  private nextPage(): number {
    const fill = (this.doc as unknown as CurrentFill)._fillColor;
    this.doc.continueOnNewPage();
    if (fill) this.doc.fillColor(...fill);
    return this.doc.page.margins.top;
  }

  /** Greedy breaks at spaces, as pdfkit's; a word wider than the box is cut where it must be. */
  private lines(paragraph: string, levels: EmbeddingLevels): [number, number][] {
    const fits = (start: number, end: number) =>
      this.width(paragraph, levels, start, trimEnd(paragraph, start, end)) <= this.box.width;
    const lines: [number, number][] = [];
    let start = 0;
    do {
      let end = start;
      for (const word of paragraph.slice(start).matchAll(/\S+\s*|\s+/g)) {
        const next = start + (word.index ?? 0) + word[0].length;
        if (end > start && !fits(start, next)) break;
        end = next;
      }
      if (!fits(start, end)) end = this.cut(paragraph, levels, start, end);
      lines.push([start, trimEnd(paragraph, start, end)]);
      start = end;
    } while (start < paragraph.length);
    return lines;
  }

  /** Where a single word too wide for the box is cut: as many characters as fit, at least one. */
  private cut(paragraph: string, levels: EmbeddingLevels, start: number, end: number): number {
    let fit = start + 1;
    while (fit < end && this.width(paragraph, levels, start, fit + 1) <= this.box.width) fit++;
    return fit;
  }

  private width(paragraph: string, levels: EmbeddingLevels, start: number, end: number): number {
    return visualRuns(paragraph, levels, start, end).reduce((sum, run) => sum + this.runWidth(run), 0);
  }

  private runWidth(run: ScriptRun): number {
    return this.doc.font(this.fonts[run.script]).widthOfString(run.text, WHOLE_RUN);
  }

  private drawLine(runs: ScriptRun[], x: number, baseline: number): void {
    const widths = runs.map((run) => this.runWidth(run));
    const total = widths.reduce((sum, width) => sum + width, 0);
    const free = this.box.width - total;
    let left = x + (this.box.align === 'right' ? free : this.box.align === 'center' ? free / 2 : 0);
    runs.forEach((run, i) => {
      this.doc
        .font(this.fonts[run.script])
        .text(run.text, left, baseline, { ...WHOLE_RUN, lineBreak: false, baseline: 'alphabetic' });
      left += widths[i] as number;
    });
  }
}

/** A line's end without its trailing spaces (they take no room at a break, rule L1). */
function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text.charAt(end - 1))) end--;
  return end;
}

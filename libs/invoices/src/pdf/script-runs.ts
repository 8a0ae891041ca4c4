// Cuts a line of text into runs that each sit in one font (ASCII and CJK, European letters beyond
// ASCII with Greek and Cyrillic, Hebrew, Arabic, Thai, Devanagari) and one
// direction, in the order they are drawn from left to right (the Unicode bidi algorithm, bidi-js).
// pdfkit draws a run through fontkit, which shapes it (Arabic's joining forms) and reverses a run in a
// right-to-left script by itself; so such a run is handed over in logical order, and only a run fontkit
// would leave as it is (spaces or punctuation between two Hebrew words) is reversed here.
import bidiFactory, { type EmbeddingLevels } from 'bidi-js';
import type { FaceScript } from './script-fonts';

export type RunScript = 'base' | FaceScript;

export interface ScriptRun {
  /** The characters as pdfkit should be given them. */
  text: string;
  script: RunScript;
}

const bidi = bidiFactory();

const HEBREW = /[\u0590-\u05ff\ufb1d-\ufb4f]/;
/**
 * What the CJK face (a GB2312 subset) lacks or may lack and Noto Sans has: Latin-1's letters and signs,
 * Latin Extended (Ł, ř, ş, ő), IPA, combining accents, Greek, Cyrillic, Latin Extended Additional
 * (Vietnamese), and currency signs (₪ ₹ ₽ ₺).
 */
const EUROPEAN = /[\u00a1-\u036f\u0370-\u03ff\u0400-\u052f\u1e00-\u1fff\u20a0-\u20cf]/;
/** ASCII letters and digits: a word holding a European letter is set whole in its face. */
const ASCII_WORD = /^[A-Za-z0-9]$/;
const ARABIC = /[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff]/;
/** Thai letters, vowels, tone marks and digits: what the Thai face covers. */
const THAI = /[\u0e01-\u0e5b]/;
/**
 * Devanagari (Hindi, Marathi, Nepali) with the signs it shares (the dandas, Vedic signs, the North
 * Indic fractions): what its face covers.
 */
const DEVANAGARI = /\p{Script_Extensions=Devanagari}/u;
/** Scripts whose faces have the zero-width joiners and shape with them (Devanagari's half forms too). */
const JOINING: ReadonlySet<RunScript> = new Set<RunScript>(['arabic', 'thai', 'devanagari']);
/** The scripts fontkit lays out right to left that the invoice fonts cover. */
const RTL_TEXT = /[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/;
/** Explicit direction marks: they steer the algorithm and have no glyph to draw. */
const DIRECTION_MARKS = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;
/**
 * Zero-width non-joiner and joiner: they steer Arabic's joining (Persian writes them inside words)
 * and Devanagari's half forms; the Arabic, Thai and Devanagari faces have them, the Latin and Hebrew
 * faces would draw a box.
 */
const JOINER = /^[\u200c\u200d]$/;
const JOINERS = /[\u200c\u200d]/g;

/**
 * Whether the text needs this layout at all: with nothing but ASCII and what the CJK face covers,
 * pdfkit's own is the same.
 */
export function needsScriptLayout(text: string): boolean {
  return RTL_TEXT.test(text) || EUROPEAN.test(text) || THAI.test(text) || DEVANAGARI.test(text);
}

/** The bidi levels of one paragraph (no line breaks in it), its direction taken from its first letter. */
export function paragraphLevels(paragraph: string): EmbeddingLevels {
  return bidi.getEmbeddingLevels(paragraph, 'auto');
}

function scriptOf(char: string): RunScript {
  if (HEBREW.test(char)) return 'hebrew';
  if (ARABIC.test(char)) return 'arabic';
  if (THAI.test(char)) return 'thai';
  if (DEVANAGARI.test(char)) return 'devanagari';
  if (EUROPEAN.test(char)) return 'latin';
  return 'base';
}

/**
 * Each character's font. Punctuation, digits and Latin take the base font; a space between two
 * letters of one script stays in that script's font (every face has a space), so a
 * Hebrew or Arabic phrase is one run that fontkit lays out whole (a Thai or Devanagari one too).
 */
function scriptsOf(text: string, start: number, end: number): RunScript[] {
  const scripts: RunScript[] = [];
  for (let i = start; i < end; i++) scripts.push(scriptOf(text.charAt(i)));
  // A joiner goes in the run of the letter beside it (the one before first), so it splits no word
  // and an Arabic one is shaped with it.
  for (let i = 0; i < scripts.length; i++) {
    if (!JOINER.test(text.charAt(start + i))) continue;
    const before = scripts[i - 1];
    scripts[i] = before !== undefined && before !== 'base' ? before : (scripts[i + 1] ?? 'base');
  }
  // A word with a European letter is set whole in that face ("Łódź", not "Ł", "ó", "d", "ź" in two
  // fonts of slightly different shapes): its ASCII letters and digits join it.
  for (let i = 0; i < scripts.length; i++) {
    if (scripts[i] !== 'latin') continue;
    for (let j = i - 1; j >= 0 && scripts[j] === 'base' && ASCII_WORD.test(text.charAt(start + j)); j--)
      scripts[j] = 'latin';
    for (
      let j = i + 1;
      j < scripts.length && scripts[j] === 'base' && ASCII_WORD.test(text.charAt(start + j));
      j++
    )
      scripts[j] = 'latin';
  }
  for (let i = 1; i < scripts.length - 1; i++) {
    if (text.charAt(start + i) !== ' ' || scripts[i - 1] === 'base') continue;
    let next = i + 1;
    while (next < scripts.length && text.charAt(start + next) === ' ') next++;
    if (scripts[next] === scripts[i - 1]) scripts[i] = scripts[i - 1] as RunScript;
  }
  return scripts;
}

interface LogicalRun {
  start: number;
  end: number;
  level: number;
  script: RunScript;
}

function logicalRuns(text: string, levels: Uint8Array, start: number, end: number): LogicalRun[] {
  const scripts = scriptsOf(text, start, end);
  const runs: LogicalRun[] = [];
  for (let i = start; i < end; i++) {
    const level = levels[i] ?? 0;
    const script = scripts[i - start] as RunScript;
    const last = runs[runs.length - 1];
    if (last && last.level === level && last.script === script) last.end = i + 1;
    else runs.push({ start: i, end: i + 1, level, script });
  }
  return runs;
}

/** Rule L2 over whole runs: from the highest level down to the lowest odd one, reverse what is at or above. */
function visualOrder(runs: LogicalRun[]): LogicalRun[] {
  const ordered = [...runs];
  const levels = runs.map((run) => run.level);
  const highest = Math.max(0, ...levels);
  const odd = levels.filter((level) => level % 2 === 1);
  const lowestOdd = odd.length > 0 ? Math.min(...odd) : highest + 1;
  for (let level = highest; level >= lowestOdd; level--) {
    for (let i = 0; i < ordered.length; i++) {
      if ((ordered[i] as LogicalRun).level < level) continue;
      let j = i;
      while (j + 1 < ordered.length && (ordered[j + 1] as LogicalRun).level >= level) j++;
      ordered.splice(i, j - i + 1, ...ordered.slice(i, j + 1).reverse());
      i = j;
    }
  }
  return ordered;
}

function reversed(text: string): string {
  return Array.from(text).reverse().join('');
}

/**
 * The runs of text[start, end) (one line of a paragraph whose levels are given), left to right.
 * A right-to-left run's brackets are mirrored; its characters are reversed here only where fontkit
 * will not (it reverses whatever is in a right-to-left script, which also covers Arabic-Indic digits
 * that must read left to right, so those are handed over reversed and come out in order).
 */
export function visualRuns(text: string, levels: EmbeddingLevels, start = 0, end = text.length): ScriptRun[] {
  const mirrored =
    end > start ? bidi.getMirroredCharactersMap(text, levels.levels, start, end - 1) : new Map();
  return visualOrder(logicalRuns(text, levels.levels, start, end))
    .map((run) => {
      let chars = '';
      for (let i = run.start; i < run.end; i++) chars += mirrored.get(i) ?? text.charAt(i);
      chars = chars.replace(DIRECTION_MARKS, '');
      if (!JOINING.has(run.script)) chars = chars.replace(JOINERS, '');
      const rightToLeft = run.level % 2 === 1;
      const fontkitReverses = RTL_TEXT.test(chars);
      return { text: rightToLeft === fontkitReverses ? chars : reversed(chars), script: run.script };
    })
    .filter((run) => run.text.length > 0);
}

// The fonts for tenant text the CJK face (a GB2312 subset: ASCII, Chinese, pinyin) has no glyphs
// for: European letters beyond ASCII, Greek and Cyrillic (a Polish, Czech, Turkish, Greek or
// Ukrainian name) in Noto Sans, Hebrew in Noto Sans Hebrew, Arabic in Noto Naskh Arabic, from the
// @embedpdf/fonts-latin, -hebrew and -arabic npm packages; Thai in Noto Sans Thai and Devanagari
// (Hindi, Marathi, Nepali) in Noto Sans Devanagari, the script subsets (WOFF) of the
// @fontsource/noto-sans-thai and -devanagari packages. All SIL OFL, installed with the project; never
// downloaded at run time. Naskh rather than Kufi: its GSUB tables carry the joining forms fontkit
// shapes Arabic with; fontkit shapes Devanagari (its reordered vowel signs, conjuncts) and places
// Thai's marks from the Noto faces' own tables too. The Thai and Devanagari subsets hold their
// script, the space and the zero-width joiners, not Latin letters, digits or punctuation: those stay
// in the other faces.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FontFace } from './cjk-font';

export type RtlScript = 'hebrew' | 'arabic';
/** The scripts set in a face of their own, beside the CJK one. */
export type FaceScript = 'latin' | RtlScript | 'thai' | 'devanagari';

export const FACE_SCRIPTS: readonly FaceScript[] = ['latin', 'hebrew', 'arabic', 'thai', 'devanagari'];
const SCRIPT_NAMES: Record<FaceScript, string> = {
  latin: 'European letters (Latin, Greek, Cyrillic)',
  hebrew: 'Hebrew',
  arabic: 'Arabic',
  thai: 'Thai',
  devanagari: 'Devanagari',
};

interface FontPackage {
  name: string;
  /** Where the package keeps its font files: beside its dist/ (@embedpdf), or in files/ (@fontsource). */
  layout: 'embedpdf' | 'fontsource';
  regular: string;
  bold: string;
}

const PACKAGES: Record<FaceScript, FontPackage> = {
  latin: {
    name: '@embedpdf/fonts-latin',
    layout: 'embedpdf',
    regular: 'NotoSans-Regular.ttf',
    bold: 'NotoSans-Bold.ttf',
  },
  hebrew: {
    name: '@embedpdf/fonts-hebrew',
    layout: 'embedpdf',
    regular: 'NotoSansHebrew-Regular.ttf',
    bold: 'NotoSansHebrew-Bold.ttf',
  },
  arabic: {
    name: '@embedpdf/fonts-arabic',
    layout: 'embedpdf',
    regular: 'NotoNaskhArabic-Regular.ttf',
    bold: 'NotoNaskhArabic-Bold.ttf',
  },
  thai: {
    name: '@fontsource/noto-sans-thai',
    layout: 'fontsource',
    regular: 'noto-sans-thai-thai-400-normal.woff',
    bold: 'noto-sans-thai-thai-700-normal.woff',
  },
  devanagari: {
    name: '@fontsource/noto-sans-devanagari',
    layout: 'fontsource',
    regular: 'noto-sans-devanagari-devanagari-400-normal.woff',
    bold: 'noto-sans-devanagari-devanagari-700-normal.woff',
  },
};

export interface ScriptFontFiles {
  regular: string;
  bold: string;
}

export type ScriptFaces = Record<FaceScript, { regular: FontFace; bold: FontFace }>;

function packageFontDir(pkg: FontPackage): string | undefined {
  try {
    // @embedpdf's packages export only their index (dist/), the fonts sitting beside dist/;
    // @fontsource's export their package.json, the fonts in files/.
    return pkg.layout === 'embedpdf'
      ? join(dirname(require.resolve(pkg.name)), '..', 'fonts')
      : join(dirname(require.resolve(`${pkg.name}/package.json`)), 'files');
  } catch {
    return undefined;
  }
}

/**
 * Finds the faces without reading them; throws an error that says what to install when one is
 * missing. `dirs` replaces a package's font folder (for tests).
 */
export function locateScriptFonts(
  dirs: Partial<Record<FaceScript, string>> = {},
): Record<FaceScript, ScriptFontFiles> {
  const locate = (script: FaceScript): ScriptFontFiles => {
    const pkg = PACKAGES[script];
    const dir = dirs[script] ?? packageFontDir(pkg);
    const files = dir && { regular: join(dir, pkg.regular), bold: join(dir, pkg.bold) };
    if (files && existsSync(files.regular) && existsSync(files.bold)) return files;
    throw new Error(
      `invoice PDFs need a font covering ${SCRIPT_NAMES[script]}, and none was ` +
        `found: run \`npm ci\` (it installs ${pkg.name} with ${pkg.regular} and ${pkg.bold})`,
    );
  };
  return Object.fromEntries(FACE_SCRIPTS.map((script) => [script, locate(script)])) as Record<
    FaceScript,
    ScriptFontFiles
  >;
}

/** Reads located faces: about 1.7 MB in all, kept with the CJK font while renders run. */
export function readScriptFonts(files: Record<FaceScript, ScriptFontFiles>): ScriptFaces {
  const read = (pair: ScriptFontFiles) => ({
    regular: { data: readFileSync(pair.regular) },
    bold: { data: readFileSync(pair.bold) },
  });
  return Object.fromEntries(FACE_SCRIPTS.map((script) => [script, read(files[script])])) as ScriptFaces;
}

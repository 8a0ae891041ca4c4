// The fonts for tenant text the CJK face (a GB2312 subset: ASCII, Chinese, pinyin) has no glyphs
// for: European letters beyond ASCII, Greek and Cyrillic (a Polish, Czech, Turkish, Greek or
// Ukrainian name) in Noto Sans, Hebrew in Noto Sans Hebrew, Arabic in Noto Naskh Arabic (SIL OFL),
// from the @embedpdf/fonts-latin, -hebrew and -arabic npm packages, installed with the project;
// never downloaded at run time. Naskh rather than Kufi: its GSUB tables carry the joining forms
// fontkit shapes Arabic with.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FontFace } from './cjk-font';

export type RtlScript = 'hebrew' | 'arabic';
/** The scripts set in a face of their own, beside the CJK one. */
export type FaceScript = 'latin' | RtlScript;

const SCRIPTS: readonly FaceScript[] = ['latin', 'hebrew', 'arabic'];
const SCRIPT_NAMES: Record<FaceScript, string> = {
  latin: 'European letters (Latin, Greek, Cyrillic)',
  hebrew: 'Hebrew',
  arabic: 'Arabic',
};

interface FontPackage {
  name: string;
  regular: string;
  bold: string;
}

const PACKAGES: Record<FaceScript, FontPackage> = {
  latin: {
    name: '@embedpdf/fonts-latin',
    regular: 'NotoSans-Regular.ttf',
    bold: 'NotoSans-Bold.ttf',
  },
  hebrew: {
    name: '@embedpdf/fonts-hebrew',
    regular: 'NotoSansHebrew-Regular.ttf',
    bold: 'NotoSansHebrew-Bold.ttf',
  },
  arabic: {
    name: '@embedpdf/fonts-arabic',
    regular: 'NotoNaskhArabic-Regular.ttf',
    bold: 'NotoNaskhArabic-Bold.ttf',
  },
};

export interface ScriptFontFiles {
  regular: string;
  bold: string;
}

export type ScriptFaces = Record<FaceScript, { regular: FontFace; bold: FontFace }>;

function packageFontDir(name: string): string | undefined {
  try {
    // The packages export only their index (dist/); the fonts sit beside dist/.
    return join(dirname(require.resolve(name)), '..', 'fonts');
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
    const dir = dirs[script] ?? packageFontDir(pkg.name);
    const files = dir && { regular: join(dir, pkg.regular), bold: join(dir, pkg.bold) };
    if (files && existsSync(files.regular) && existsSync(files.bold)) return files;
    throw new Error(
      `invoice PDFs need a font covering ${SCRIPT_NAMES[script]}, and none was ` +
        `found: run \`npm ci\` (it installs ${pkg.name} with ${pkg.regular} and ${pkg.bold})`,
    );
  };
  return Object.fromEntries(SCRIPTS.map((script) => [script, locate(script)])) as Record<
    FaceScript,
    ScriptFontFiles
  >;
}

/** Reads located faces: about 1.6 MB in all, kept with the CJK font while renders run. */
export function readScriptFonts(files: Record<FaceScript, ScriptFontFiles>): ScriptFaces {
  const read = (pair: ScriptFontFiles) => ({
    regular: { data: readFileSync(pair.regular) },
    bold: { data: readFileSync(pair.bold) },
  });
  return Object.fromEntries(SCRIPTS.map((script) => [script, read(files[script])])) as ScriptFaces;
}

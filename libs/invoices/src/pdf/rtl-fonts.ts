// The fonts for right-to-left tenant text (a Hebrew or Arabic name, address or line): the CJK face
// has no such glyphs. Noto Sans Hebrew and Noto Naskh Arabic (SIL OFL) from the @embedpdf/fonts-hebrew
// and @embedpdf/fonts-arabic npm packages, installed with the project; never downloaded at run time.
// Naskh rather than Kufi: its GSUB tables carry the joining forms fontkit shapes Arabic with.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FontFace } from './cjk-font';

export type RtlScript = 'hebrew' | 'arabic';

interface RtlFontPackage {
  name: string;
  regular: string;
  bold: string;
}

const PACKAGES: Record<RtlScript, RtlFontPackage> = {
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

export interface RtlFontFiles {
  regular: string;
  bold: string;
}

export type RtlFonts = Record<RtlScript, { regular: FontFace; bold: FontFace }>;

function packageFontDir(name: string): string | undefined {
  try {
    // The packages export only their index (dist/); the fonts sit beside dist/.
    return join(dirname(require.resolve(name)), '..', 'fonts');
  } catch {
    return undefined;
  }
}

/**
 * Finds the Hebrew and Arabic faces without reading them; throws an error that says what to
 * install when one is missing. `dirs` replaces a package's font folder (for tests).
 */
export function locateRtlFonts(
  dirs: Partial<Record<RtlScript, string>> = {},
): Record<RtlScript, RtlFontFiles> {
  const locate = (script: RtlScript): RtlFontFiles => {
    const pkg = PACKAGES[script];
    const dir = dirs[script] ?? packageFontDir(pkg.name);
    const files = dir && { regular: join(dir, pkg.regular), bold: join(dir, pkg.bold) };
    if (files && existsSync(files.regular) && existsSync(files.bold)) return files;
    throw new Error(
      `invoice PDFs need a font covering ${script === 'hebrew' ? 'Hebrew' : 'Arabic'}, and none was ` +
        `found: run \`npm ci\` (it installs ${pkg.name} with ${pkg.regular} and ${pkg.bold})`,
    );
  };
  return { hebrew: locate('hebrew'), arabic: locate('arabic') };
}

/** Reads located faces: about 320 kB in all, kept with the CJK font while renders run. */
export function readRtlFonts(files: Record<RtlScript, RtlFontFiles>): RtlFonts {
  const read = (pair: RtlFontFiles) => ({
    regular: { data: readFileSync(pair.regular) },
    bold: { data: readFileSync(pair.bold) },
  });
  return { hebrew: read(files.hebrew), arabic: read(files.arabic) };
}

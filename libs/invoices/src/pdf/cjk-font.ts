// The font the invoice PDFs are set in: it must cover Chinese (tenant and model names may be
// Chinese). Noto Sans Hans (SIL OFL) from the @embedpdf/fonts-sc npm package, installed with the
// project; never downloaded at run time. pdfkit embeds only the glyphs a document uses. A Debian
// host's WenQuanYi Micro Hei (fonts-wqy-microhei) is the fallback.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface FontFace {
  data: Buffer;
  /** The face's name inside a TrueType collection (.ttc); undefined for a single-face file. */
  family?: string;
}

export interface CjkFont {
  regular: FontFace;
  bold: FontFace;
  /** Where it came from, for the startup log. */
  source: string;
}

const SYSTEM_FALLBACK = {
  path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  family: 'WenQuanYiMicroHei',
};

function packagedFontDir(): string | undefined {
  try {
    // The package exports only its index (dist/); the fonts sit beside dist/.
    return join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
  } catch {
    return undefined;
  }
}

/** Where a face lives on disk (the file is read only when a PDF is rendered). */
export interface FontFile {
  path: string;
  /** The face's name inside a TrueType collection (.ttc); undefined for a single-face file. */
  family?: string;
}

export interface CjkFontFiles {
  regular: FontFile;
  bold: FontFile;
  /** Where it came from, for the startup log. */
  source: string;
}

/**
 * Finds the font without reading it (17 MB that a worker would otherwise keep for a monthly job);
 * throws an error that says what to install when none is there.
 */
export function locateCjkFont(
  dir = packagedFontDir(),
  systemFallback: { path: string; family: string } = SYSTEM_FALLBACK,
): CjkFontFiles {
  if (dir) {
    const regular = join(dir, 'NotoSansHans-Regular.otf');
    const bold = join(dir, 'NotoSansHans-Bold.otf');
    if (existsSync(regular) && existsSync(bold)) {
      return { regular: { path: regular }, bold: { path: bold }, source: regular };
    }
  }
  if (existsSync(systemFallback.path)) {
    const face = { path: systemFallback.path, family: systemFallback.family };
    return { regular: face, bold: face, source: systemFallback.path };
  }
  throw new Error(
    'invoice PDFs need a font covering Chinese, and none was found: run `npm ci` (it installs ' +
      '@embedpdf/fonts-sc with NotoSansHans-Regular.otf and -Bold.otf) or install fonts-wqy-microhei',
  );
}

/** Reads located font files (one read when regular and bold are the same file). */
export function readCjkFont(files: CjkFontFiles): CjkFont {
  const regular: FontFace = { data: readFileSync(files.regular.path), family: files.regular.family };
  const bold: FontFace =
    files.bold.path === files.regular.path
      ? regular
      : { data: readFileSync(files.bold.path), family: files.bold.family };
  return { regular, bold, source: files.source };
}

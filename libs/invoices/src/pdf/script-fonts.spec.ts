import { locateScriptFonts, readScriptFonts } from './script-fonts';

describe('the invoice fonts for European letters, Hebrew and Arabic', () => {
  it('are Noto Sans, Noto Sans Hebrew and Noto Naskh Arabic from the npm packages the project installs', () => {
    const files = locateScriptFonts();
    expect(files.latin.regular).toMatch(/@embedpdf\/fonts-latin\/fonts\/NotoSans-Regular\.ttf$/);
    expect(files.latin.bold).toMatch(/NotoSans-Bold\.ttf$/);
    expect(files.hebrew.regular).toMatch(/@embedpdf\/fonts-hebrew\/fonts\/NotoSansHebrew-Regular\.ttf$/);
    expect(files.hebrew.bold).toMatch(/NotoSansHebrew-Bold\.ttf$/);
    expect(files.arabic.regular).toMatch(/@embedpdf\/fonts-arabic\/fonts\/NotoNaskhArabic-Regular\.ttf$/);
    expect(files.arabic.bold).toMatch(/NotoNaskhArabic-Bold\.ttf$/);
    // TrueType files, read only when asked.
    const fonts = readScriptFonts(files);
    for (const face of Object.values(fonts).flatMap((pair) => [pair.regular, pair.bold])) {
      expect(face.data.readUInt32BE(0)).toBe(0x00010000);
    }
  });

  it('says which package to install when a face is missing', () => {
    expect(() => locateScriptFonts({ arabic: '/nonexistent' })).toThrow(
      /covering Arabic.*npm ci.*@embedpdf\/fonts-arabic.*NotoNaskhArabic-Regular\.ttf/s,
    );
    expect(() => locateScriptFonts({ hebrew: '/nonexistent' })).toThrow(
      /covering Hebrew.*@embedpdf\/fonts-hebrew/s,
    );
    expect(() => locateScriptFonts({ latin: '/nonexistent' })).toThrow(
      /covering European letters.*@embedpdf\/fonts-latin/s,
    );
  });
});

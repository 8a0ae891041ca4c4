import { locateRtlFonts, readRtlFonts } from './rtl-fonts';

describe('the invoice fonts for Hebrew and Arabic', () => {
  it('are Noto Sans Hebrew and Noto Naskh Arabic from the npm packages the project installs', () => {
    const files = locateRtlFonts();
    expect(files.hebrew.regular).toMatch(/@embedpdf\/fonts-hebrew\/fonts\/NotoSansHebrew-Regular\.ttf$/);
    expect(files.hebrew.bold).toMatch(/NotoSansHebrew-Bold\.ttf$/);
    expect(files.arabic.regular).toMatch(/@embedpdf\/fonts-arabic\/fonts\/NotoNaskhArabic-Regular\.ttf$/);
    expect(files.arabic.bold).toMatch(/NotoNaskhArabic-Bold\.ttf$/);
    // TrueType files, read only when asked.
    const fonts = readRtlFonts(files);
    for (const face of [fonts.hebrew.regular, fonts.hebrew.bold, fonts.arabic.regular, fonts.arabic.bold]) {
      expect(face.data.readUInt32BE(0)).toBe(0x00010000);
    }
  });

  it('says which package to install when a face is missing', () => {
    expect(() => locateRtlFonts({ arabic: '/nonexistent' })).toThrow(
      /covering Arabic.*npm ci.*@embedpdf\/fonts-arabic.*NotoNaskhArabic-Regular\.ttf/s,
    );
    expect(() => locateRtlFonts({ hebrew: '/nonexistent' })).toThrow(
      /covering Hebrew.*@embedpdf\/fonts-hebrew/s,
    );
  });
});

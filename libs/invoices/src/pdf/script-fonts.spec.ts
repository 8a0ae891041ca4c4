import { locateScriptFonts, readScriptFonts } from './script-fonts';

describe('the invoice fonts for European letters, Hebrew, Arabic, Thai and Devanagari', () => {
  it('are Noto Sans, Sans Hebrew, Naskh Arabic, Sans Thai and Sans Devanagari from the npm packages the project installs', () => {
    const files = locateScriptFonts();
    expect(files.latin.regular).toMatch(/@embedpdf\/fonts-latin\/fonts\/NotoSans-Regular\.ttf$/);
    expect(files.latin.bold).toMatch(/NotoSans-Bold\.ttf$/);
    expect(files.hebrew.regular).toMatch(/@embedpdf\/fonts-hebrew\/fonts\/NotoSansHebrew-Regular\.ttf$/);
    expect(files.hebrew.bold).toMatch(/NotoSansHebrew-Bold\.ttf$/);
    expect(files.arabic.regular).toMatch(/@embedpdf\/fonts-arabic\/fonts\/NotoNaskhArabic-Regular\.ttf$/);
    expect(files.arabic.bold).toMatch(/NotoNaskhArabic-Bold\.ttf$/);
    expect(files.thai.regular).toMatch(
      /@fontsource\/noto-sans-thai\/files\/noto-sans-thai-thai-400-normal\.woff$/,
    );
    expect(files.thai.bold).toMatch(/noto-sans-thai-thai-700-normal\.woff$/);
    expect(files.devanagari.regular).toMatch(
      /@fontsource\/noto-sans-devanagari\/files\/noto-sans-devanagari-devanagari-400-normal\.woff$/,
    );
    expect(files.devanagari.bold).toMatch(/noto-sans-devanagari-devanagari-700-normal\.woff$/);
    // TrueType files and WOFF ones (TrueType inside), read only when asked.
    const fonts = readScriptFonts(files);
    const signature = (face: { data: Buffer }) => face.data.readUInt32BE(0).toString(16);
    for (const script of ['latin', 'hebrew', 'arabic'] as const) {
      expect([signature(fonts[script].regular), signature(fonts[script].bold)]).toEqual(['10000', '10000']);
    }
    for (const script of ['thai', 'devanagari'] as const) {
      // 'wOFF', then the flavour of the font inside: TrueType outlines (0x00010000).
      for (const face of [fonts[script].regular, fonts[script].bold]) {
        expect(face.data.toString('latin1', 0, 4)).toBe('wOFF');
        expect(face.data.readUInt32BE(4)).toBe(0x00010000);
      }
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
    expect(() => locateScriptFonts({ thai: '/nonexistent' })).toThrow(
      /covering Thai.*npm ci.*@fontsource\/noto-sans-thai.*noto-sans-thai-thai-400-normal\.woff/s,
    );
    expect(() => locateScriptFonts({ devanagari: '/nonexistent' })).toThrow(
      /covering Devanagari.*@fontsource\/noto-sans-devanagari/s,
    );
  });
});

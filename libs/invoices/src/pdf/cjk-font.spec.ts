import { locateCjkFont, readCjkFont } from './cjk-font';

const loadCjkFont = (...args: Parameters<typeof locateCjkFont>) => readCjkFont(locateCjkFont(...args));

const WQY = { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' };
const NOWHERE = { path: '/nonexistent/font.ttc', family: 'X' };

describe('the invoice font', () => {
  it('uses Noto Sans Hans from the npm package the project installs', () => {
    const font = loadCjkFont();
    expect(font.source).toMatch(/@embedpdf\/fonts-sc\/fonts\/NotoSansHans-Regular\.otf$/);
    // An OpenType (CFF) font file, regular and bold.
    expect(font.regular.data.subarray(0, 4).toString('latin1')).toBe('OTTO');
    expect(font.bold.data.subarray(0, 4).toString('latin1')).toBe('OTTO');
    expect(font.regular.family).toBeUndefined();
  });

  it('locates the files without reading them, for the startup check', () => {
    const files = locateCjkFont();
    expect(files.regular.path).toMatch(/NotoSansHans-Regular\.otf$/);
    expect(files.bold.path).toMatch(/NotoSansHans-Bold\.otf$/);
    expect(files).not.toHaveProperty('regular.data');
    expect(() => locateCjkFont('/nonexistent', NOWHERE)).toThrow(/covering Chinese/);
  });

  it('falls back to a system font collection, naming the face inside it', () => {
    // .ci/run installs fonts-wqy-microhei.
    const font = loadCjkFont('/nonexistent', WQY);
    expect(font).toMatchObject({ source: WQY.path, regular: { family: 'WenQuanYiMicroHei' } });
  });

  it('says what to install when there is no font covering Chinese', () => {
    expect(() => loadCjkFont('/nonexistent', NOWHERE)).toThrow(
      /npm ci.*@embedpdf\/fonts-sc.*fonts-wqy-microhei/s,
    );
    expect(() => loadCjkFont('', NOWHERE)).toThrow(/covering Chinese/);
  });
});

// Both languages must be complete: the same keys, no empty strings, and the same {{placeholders}}
// and <tags> in each translation (a missing one shows raw text or drops a value).
import i18next from 'i18next';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

type Catalogue = { [key: string]: string | Catalogue };

function flatten(catalogue: Catalogue, prefix = ''): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(catalogue)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') entries.set(path, value);
    else for (const [inner, text] of flatten(value, path)) entries.set(inner, text);
  }
  return entries;
}

const markers = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}|<(\w+)>/g)].map((m) => m[0]).sort();

describe('the UI translations', () => {
  const english = flatten(en);
  const chinese = flatten(zhCN);

  it('have the same keys in English and Simplified Chinese', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('have no empty strings', () => {
    const empty = [...english, ...chinese].filter(([, text]) => text.trim() === '').map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it('keep every placeholder and tag of the English text', () => {
    const mismatched = [...english]
      .filter(
        ([key, text]) => chinese.has(key) && markers(text).join() !== markers(chinese.get(key) ?? '').join(),
      )
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });

  it('translate the Chinese catalogue rather than copying English sentences', () => {
    // Brand names, units and codes may be identical; whole English sentences may not.
    const untranslated = [...english]
      .filter(([key, text]) => chinese.get(key) === text && /[a-z]{3,} [a-z]{3,} [a-z]{3,}/i.test(text))
      .map(([key]) => key);
    expect(untranslated).toEqual([]);
  });

  it('give an English count of something its singular form ("1 request", not "1 requests")', () => {
    // A number (or a formatted number) followed by a plural noun, perhaps after one adjective, needs
    // i18next's _one / _other pair and a `count`.
    const countOfPlural = /\{\{\s*(count|formatted|value|tokens)\s*\}\}\s+(\w+\s+)?\w*[^\Ws]s\b/;
    // Shown only for two or more (a single key has its own label, channels.keys.addOne).
    const onlyPlural = new Set(['channels.keys.addMany']);
    const singularMissing = [...english]
      .filter(([key, text]) => !key.endsWith('_other') && !onlyPlural.has(key) && countOfPlural.test(text))
      .map(([key]) => key);
    expect(singularMissing).toEqual([]);
    const pairsBroken = [...english.keys()]
      .filter((key) => key.endsWith('_other') && !english.has(key.replace(/_other$/, '_one')))
      .concat(
        [...english.keys()].filter(
          (key) => key.endsWith('_one') && !english.has(key.replace(/_one$/, '_other')),
        ),
      );
    expect(pairsBroken).toEqual([]);
  });

  it('resolve plural keys with i18next in both languages (Chinese has one form: _other)', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      lng: 'en',
      interpolation: { escapeValue: false },
    });
    const billed = (count: number) => i18n.t('usage.units.images', { count, formatted: String(count) });
    expect([billed(1), billed(2), billed(0)]).toEqual(['1 image', '2 images', '0 images']);
    expect(i18n.t('plans.limitShort.requests', { count: 1, value: '1' })).toBe('1 request');
    expect(i18n.t('channels.keys.tokens', { count: 1000, formatted: '1,000' })).toBe('1,000 tokens');
    await i18n.changeLanguage('zh-CN');
    expect(new Intl.PluralRules('zh-CN').resolvedOptions().pluralCategories).toEqual(['other']);
    expect(billed(1)).toBe('1 张图片');
    expect(i18n.t('usage.units.characters', { count: 22, formatted: '22' })).toBe('22 个字符');
  });
});

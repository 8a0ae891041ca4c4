// Both languages must be complete: the same keys, no empty strings, and the same {{placeholders}}
// and <tags> in each translation (a missing one shows raw text or drops a value).
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
});

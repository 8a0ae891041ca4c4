import i18next from 'i18next';
import en from '../../i18n/locales/en.json';
import zhCN from '../../i18n/locales/zh-CN.json';
import { type CurrentPrice, priceSummary } from './price-summary';

// formatUsd does not depend on the language; the real i18n setup needs a browser.
jest.mock('../../i18n', () => ({ __esModule: true, default: { resolvedLanguage: 'en' } }));

const price = (fields: Partial<CurrentPrice>): CurrentPrice => ({
  inputPer1M: '0',
  cachedInputPer1M: '0',
  cacheWritePer1M: null,
  outputPer1M: '0',
  reasoningPer1M: null,
  perRequest: '0',
  perImage: null,
  perImageBySize: null,
  perAudioSecond: null,
  charactersPer1M: null,
  effectiveFrom: '2026-01-01T00:00:00.000Z',
  ...fields,
});

describe('priceSummary (the catalog list’s price column)', () => {
  const i18n = i18next.createInstance();
  beforeAll(async () => {
    await i18n.init({
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      lng: 'en',
      interpolation: { escapeValue: false },
    });
  });
  const summary = (fields: Partial<CurrentPrice>) => priceSummary(price(fields), i18n.t);

  it('shows the token rates of a chat model, and nothing for media it is not priced for', () => {
    expect(summary({ inputPer1M: '2.5', cachedInputPer1M: '1.25', outputPer1M: '10' })).toEqual([
      'in $2.50 · cached $1.25 · out $10.00 per 1M tokens',
    ]);
  });

  it('shows an image model per image, by its one size, or from its cheapest size', () => {
    expect(summary({ perImage: '0.04' })).toEqual(['$0.04 / image']);
    expect(summary({ perImageBySize: { '1024x1024': '0.04' } })).toEqual(['$0.04 / image (1024x1024)']);
    expect(
      summary({ perImageBySize: { '1024x1792': '0.08', '1024x1024/hd': '0.08', '512x512': '0.016' } }),
    ).toEqual(['from $0.016 / image']);
    // A per-image price covers the sizes the list does not name.
    expect(summary({ perImage: '0.04', perImageBySize: { '1024x1792': '0.08' } })).toEqual([
      'from $0.04 / image',
    ]);
  });

  it('shows audio per minute, speech per 1M characters and a per-request fee', () => {
    // $0.0001 a second is whisper's $0.006 a minute, exactly (no float).
    expect(summary({ perAudioSecond: '0.0001' })).toEqual(['$0.006 / min of audio']);
    expect(summary({ charactersPer1M: '15' })).toEqual(['$15.00 / 1M characters']);
    expect(summary({ perRequest: '0.001' })).toEqual(['$0.001 / request']);
  });

  it('keeps token rates beside media prices when a model has both, and zero rates of a free model', () => {
    expect(summary({ inputPer1M: '5', outputPer1M: '40', perImage: '0.02' })).toEqual([
      'in $5.00 · cached $0.00 · out $40.00 per 1M tokens',
      '$0.02 / image',
    ]);
    expect(summary({})).toEqual(['in $0.00 · cached $0.00 · out $0.00 per 1M tokens']);
  });

  it('speaks Chinese', async () => {
    await i18n.changeLanguage('zh-CN');
    expect(summary({ perImageBySize: { '1024x1024': '0.04', '1024x1024/hd': '0.08' } })).toEqual([
      '$0.04 起 / 张图片',
    ]);
    expect(summary({ perAudioSecond: '0.0001', charactersPer1M: '15' })).toEqual([
      '$0.006 / 分钟音频',
      '$15.00 / 百万字符',
    ]);
    await i18n.changeLanguage('en');
  });
});

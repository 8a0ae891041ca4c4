// The media routes' prices over real HTTP and PostgreSQL: per image (and by size and quality), per
// audio second and per 1M speech characters are stored exactly, shown back, previewed in their unit,
// and bad values are 400s naming the field that change nothing.
import { Role } from '@gateway/identity';
import { ApiHarness, startApi } from '../api-harness';
import { Session, sessionAs } from '../fixtures';

describe('billing: media prices', () => {
  let api: ApiHarness;
  let root: Session;
  const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

  beforeAll(async () => {
    api = await startApi('billing-media-prices');
    root = await sessionAs(api, Role.SuperAdmin, null);
  });
  afterAll(() => api.close());

  it('stores and shows per-image, per-size, per-second and per-character prices exactly', async () => {
    const set = await root
      .put('/api/models/dall-e-3/price')
      .send({
        inputPer1M: '0',
        outputPer1M: '0',
        perRequest: '0.000000001',
        perImage: '0.04',
        perImageBySize: { '1024x1792': '0.08', '1024x1024/hd': '0.080000001' },
      })
      .expect(200);
    expect(set.body).toMatchObject({
      perImage: '0.04',
      perImageBySize: { '1024x1792': '0.08', '1024x1024/hd': '0.080000001' },
      perAudioSecond: null,
      charactersPer1M: null,
    });
    const current = await root.get('/api/models/dall-e-3/price').expect(200);
    expect(current.body).toMatchObject({ perImage: '0.04', perImageBySize: { '1024x1792': '0.08' } });

    const hd = await root
      .get('/api/models/dall-e-3/price/preview?images=3&size=1024x1024&quality=hd')
      .expect(200);
    expect(hd.body.billed).toEqual({
      unit: 'images',
      quantity: '3',
      rate: '0.080000001',
      costUsd: '0.240000004',
    });
    expect(hd.body.costUsd).toBe('0.240000004');
    const plain = await root.get('/api/models/dall-e-3/price/preview?images=2&size=512x512').expect(200);
    expect(plain.body.billed).toMatchObject({ rate: '0.04', costUsd: '0.080000001' });
    // No size (or `auto`): the default size's price, here its HD one.
    const hdNoSize = await root.get('/api/models/dall-e-3/price/preview?images=1&quality=hd').expect(200);
    expect(hdNoSize.body.billed).toMatchObject({ rate: '0.080000001', costUsd: '0.080000002' });
    await root
      .put('/api/models/dall-e-sized/price')
      .send({
        inputPer1M: '0',
        outputPer1M: '0',
        perImageBySize: { '1024x1024': '0.04', '1792x1024': '0.08' },
      })
      .expect(200);
    for (const query of ['images=10', 'images=10&size=auto']) {
      const sized = await root.get(`/api/models/dall-e-sized/price/preview?${query}`).expect(200);
      expect(sized.body.billed).toEqual({ unit: 'images', quantity: '10', rate: '0.04', costUsd: '0.4' });
    }
    // A size without a price of its own, and no perImage: the dearest size price.
    const unpriced = await root
      .get('/api/models/dall-e-sized/price/preview?images=1&size=256x256')
      .expect(200);
    expect(unpriced.body.billed).toMatchObject({ rate: '0.08', costUsd: '0.08' });
    // Without images asked, the preview is the token one it always was.
    const tokens = await root.get('/api/models/dall-e-3/price/preview?promptTokens=10').expect(200);
    expect(tokens.body.billed).toBeNull();

    await root
      .put('/api/models/whisper-1/price')
      .send({ inputPer1M: '0', outputPer1M: '0', perAudioSecond: '0.0001' })
      .expect(200);
    const audio = await root.get('/api/models/whisper-1/price/preview?audioSeconds=90').expect(200);
    expect(audio.body.billed).toEqual({
      unit: 'audio_seconds',
      quantity: '90',
      rate: '0.0001',
      costUsd: '0.009',
    });

    await root
      .put('/api/models/tts-1/price')
      .send({ inputPer1M: '0', outputPer1M: '0', charactersPer1M: '15' })
      .expect(200);
    const speech = await root.get('/api/models/tts-1/price/preview?characters=1080').expect(200);
    expect(speech.body.billed).toEqual({
      unit: 'characters',
      quantity: '1080',
      rate: '15',
      costUsd: '0.0162',
    });
  });

  it('refuses bad media prices and previews with a 400 naming the field, and keeps the price', async () => {
    for (const [body, field] of [
      [{ perImage: '-1' }, 'perImage'],
      [{ perImage: 0.04 }, 'perImage'],
      [{ perImageBySize: { huge: '0.04' } }, 'perImageBySize'],
      [{ perImageBySize: { '1024x1024': 0.04 } }, 'perImageBySize'],
      [{ perImageBySize: ['0.04'] }, 'perImageBySize'],
      [{ perAudioSecond: '1e-4' }, 'perAudioSecond'],
      [{ charactersPer1M: '1000001' }, 'charactersPer1M'],
    ] as const) {
      const res = await root
        .put('/api/models/dall-e-3/price')
        .send({ inputPer1M: '0', outputPer1M: '0', ...body })
        .expect(400);
      expect(fields(res.body)).toEqual([field]);
    }
    const current = await root.get('/api/models/dall-e-3/price').expect(200);
    expect(current.body).toMatchObject({ perImage: '0.04' });

    const both = await root.get('/api/models/dall-e-3/price/preview?images=1&characters=10').expect(400);
    expect(both.body.message).toContain('one unit');
    const badSize = await root.get('/api/models/dall-e-3/price/preview?images=1&size=big').expect(400);
    expect(fields(badSize.body)).toEqual(['size']);
  });
});

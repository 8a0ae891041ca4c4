// A model's current price in a few lines for the catalog list: its token rates when it has any, and
// what its media routes cost in their own units (images, minutes of audio, characters, requests),
// so a model priced only for images or speech does not read as "$0.00 per 1M tokens".
import type { TFunction } from 'i18next';
import { formatUsd } from '../../components/formatters';
import { nanoToUsd, usdToNano } from '../../components/usd-amount';
import type { CatalogModel } from './api/models-api';

export type CurrentPrice = NonNullable<CatalogModel['price']>;

const isZero = (usd: string | null) => usd === null || usdToNano(usd) === 0n;

function imageLine(price: CurrentPrice, t: TFunction): string | null {
  const sizes = Object.entries(price.perImageBySize ?? {});
  const [onlySize] = sizes;
  if (price.perImage !== null && sizes.length === 0) {
    return t('models.priceSummary.perImage', { price: formatUsd(price.perImage) });
  }
  if (price.perImage === null && sizes.length === 1 && onlySize) {
    return t('models.priceSummary.perImageOfSize', { price: formatUsd(onlySize[1]), size: onlySize[0] });
  }
  const all = [...(price.perImage === null ? [] : [price.perImage]), ...sizes.map(([, usd]) => usd)];
  if (all.length === 0) return null;
  // Sizes (and qualities) cost differently: the cheapest image, with the editor holding each one.
  const cheapest = all.map(usdToNano).reduce((low, nano) => (nano < low ? nano : low));
  return t('models.priceSummary.perImageFrom', { price: formatUsd(nanoToUsd(cheapest)) });
}

/** The lines, in the order: tokens, images, audio, speech, per request. */
export function priceSummary(price: CurrentPrice, t: TFunction): string[] {
  const media = [
    imageLine(price, t),
    // Billed per started second; providers publish (and people compare) the price of a minute.
    price.perAudioSecond === null
      ? null
      : t('models.priceSummary.perAudioMinute', {
          price: formatUsd(nanoToUsd(usdToNano(price.perAudioSecond) * 60n)),
        }),
    price.charactersPer1M === null
      ? null
      : t('models.priceSummary.perMillionCharacters', { price: formatUsd(price.charactersPer1M) }),
  ].filter((line): line is string => line !== null);
  const perRequest = isZero(price.perRequest)
    ? null
    : t('models.priceSummary.perRequest', { price: formatUsd(price.perRequest) });
  const tokenRates = [price.inputPer1M, price.cachedInputPer1M, price.outputPer1M];
  // A media or per-request model keeps its token rates at zero; a model with no other price shows them,
  // zero or not (it is free, and the list says so).
  const showTokens = !tokenRates.every(isZero) || (media.length === 0 && perRequest === null);
  const tokens = showTokens
    ? t('models.priceSummary.tokens', {
        input: formatUsd(price.inputPer1M),
        cached: formatUsd(price.cachedInputPer1M),
        output: formatUsd(price.outputPer1M),
      })
    : null;
  return [tokens, ...media, perRequest].filter((line): line is string => line !== null);
}

// Migrating from NewAPI / one-api: its ratios become prices, each set through ModelPricesService
// (a new effective-dated, audited row), so an import is reviewable and reversible like any price change.
import { Injectable } from '@nestjs/common';
import { nanoToUsd, usdToNano } from '@gateway/db';
import { Actor } from '@gateway/identity';
import { BillingError, BillingErrorCode } from '../billing.errors';
import { ModelPrice } from '../entities/model-price.entity';
import { ModelPricesService } from '../model-prices.service';
import { ImportNewApiDto } from './dto/import-newapi.dto';
import { Conversion, ConvertedPrice, convertNewApiRatios, DEFAULT_QUOTA_PER_UNIT } from './newapi-ratios';
import { ImportedPriceView, NewApiImportView } from './views/newapi-import.view';

/** A sanity bound: no real model costs a million dollars per 1M tokens; a typo in a ratio might. */
const MAX_PRICE_PER_1M_NANO = usdToNano('1000000');

@Injectable()
export class NewApiImportService {
  constructor(private readonly prices: ModelPricesService) {}

  async importRatios(actor: Actor, dto: ImportNewApiDto): Promise<NewApiImportView> {
    const conversion = this.convert(dto);
    const current = await this.prices.currentPrices(conversion.prices.map((price) => price.model));
    const set: ImportedPriceView[] = [];
    const unchanged: string[] = [];
    for (const price of conversion.prices) {
      if (samePrice(current.get(price.model), price)) {
        unchanged.push(price.model);
        continue;
      }
      const view = await this.prices.setPrice(actor, price.model, {
        inputPer1M: nanoToUsd(price.inputPer1MNano),
        cachedInputPer1M: nanoToUsd(price.cachedInputPer1MNano),
        outputPer1M: nanoToUsd(price.outputPer1MNano),
        // Nothing unless NewAPI bills the model per call (ModelPrice).
        perRequest: nanoToUsd(price.perRequestNano),
        perImage: price.perImageNano === null ? null : nanoToUsd(price.perImageNano),
        perImageBySize: price.perImageBySize === null ? null : usdBySize(price.perImageBySize),
        charactersPer1M: price.charactersPer1MNano === null ? null : nanoToUsd(price.charactersPer1MNano),
      });
      set.push({ ...view, rounded: price.rounded });
    }
    return {
      quotaPerUnit: String(dto.quotaPerUnit ?? DEFAULT_QUOTA_PER_UNIT),
      set,
      unchanged,
      ignored: conversion.ignored,
    };
  }

  private convert(dto: ImportNewApiDto): Conversion {
    let conversion: Conversion;
    try {
      conversion = convertNewApiRatios(dto);
    } catch (error) {
      if (error instanceof RangeError)
        throw new BillingError(BillingErrorCode.ValidationFailed, error.message);
      throw error;
    }
    const tooDear = conversion.prices
      .filter((p) => [p.inputPer1MNano, p.cachedInputPer1MNano, p.outputPer1MNano].some(isTooDear))
      .map((p) => p.model);
    if (tooDear.length > 0) {
      throw new BillingError(
        BillingErrorCode.ValidationFailed,
        `modelRatio: these models would cost more than $1,000,000 per 1M tokens (check the ratios and quotaPerUnit): ${tooDear.slice(0, 10).join(', ')}`,
      );
    }
    const tooDearPerCall = conversion.prices
      .filter((p) => [p.perRequestNano, ...Object.values(p.perImageBySize ?? {})].some(isTooDear))
      .map((p) => p.model);
    if (tooDearPerCall.length > 0) {
      throw new BillingError(
        BillingErrorCode.ValidationFailed,
        `modelPrice: these models would cost more than $1,000,000 a call: ${tooDearPerCall.slice(0, 10).join(', ')}`,
      );
    }
    return conversion;
  }
}

function isTooDear(nano: bigint): boolean {
  return nano > MAX_PRICE_PER_1M_NANO;
}

function samePrice(row: ModelPrice | undefined, price: ConvertedPrice): boolean {
  return (
    row !== undefined &&
    row.inputPer1MNano === price.inputPer1MNano &&
    row.cachedInputPer1MNano === price.cachedInputPer1MNano &&
    row.outputPer1MNano === price.outputPer1MNano &&
    row.perRequestNano === price.perRequestNano &&
    row.charactersPer1MNano === price.charactersPer1MNano &&
    row.perImageNano === price.perImageNano &&
    sameSizes(row.perImageBySize, price.perImageBySize) &&
    row.reasoningPer1MNano === null
  );
}

function usdBySize(prices: Record<string, bigint>): Record<string, string> {
  return Object.fromEntries(Object.entries(prices).map(([size, nano]) => [size, nanoToUsd(nano)]));
}

/** A stored size table (nano-USD as decimal strings) against a converted one. */
function sameSizes(stored: Record<string, string> | null, prices: Record<string, bigint> | null): boolean {
  if (stored === null || prices === null) return stored === prices;
  const sizes = Object.keys(prices);
  return (
    Object.keys(stored).length === sizes.length &&
    sizes.every((size) => stored[size] !== undefined && BigInt(stored[size]) === prices[size])
  );
}

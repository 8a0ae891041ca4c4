// Migrating from NewAPI / one-api: its ratios become prices, each set through ModelPricesService
// (a new effective-dated, audited row), so an import is reviewable and reversible like any price change.
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { nanoToUsd, usdToNano } from '@gateway/db';
import { Actor } from '@gateway/identity';
import { BillingError, BillingErrorCode } from '../billing.errors';
import { ModelPrice } from '../entities/model-price.entity';
import { ModelPricesService } from '../model-prices.service';
import type { SetPriceDto } from '../dto/set-price.dto';
import { ImportNewApiDto } from './dto/import-newapi.dto';
import { Conversion, convertNewApiRatios, DEFAULT_QUOTA_PER_UNIT } from './newapi-ratios';
import { ImportedPriceView, KeptPriceView, NewApiImportView } from './views/newapi-import.view';

/** What a migration remembers of a model's price for its next run. */
export interface ImportedDigest {
  /** `priceDigest` of the price the source gave the model. */
  digest: string;
  /** The price row in force here after the import (none: the model still has no price here). */
  priceId: string | null;
}

/** A sanity bound: no real model costs a million dollars per 1M tokens; a typo in a ratio might. */
const MAX_PRICE_PER_1M_NANO = usdToNano('1000000');

@Injectable()
export class NewApiImportService {
  constructor(private readonly prices: ModelPricesService) {}

  /** Sets each converted price that differs from the model's current one. */
  async importRatios(actor: Actor, dto: ImportNewApiDto): Promise<NewApiImportView> {
    return (await this.importAgain(actor, dto, new Map())).view;
  }

  /**
   * The same for a migration's run. `previous` holds, per model, the digest (`priceDigest`) of what
   * the source said at the last import: a price the source has not changed since is left as it is
   * here, so an operator's edit after the import stands; one changed on both sides is left as set
   * here too. Both are named in `kept`. `digests` is what to remember for the next run. A dry run
   * sets nothing: it names in `wouldSet` the models whose price the run would set.
   */
  async importAgain(
    actor: Actor,
    dto: ImportNewApiDto,
    previous: ReadonlyMap<string, string>,
    dryRun = false,
  ): Promise<{ view: NewApiImportView; digests: Map<string, ImportedDigest> }> {
    const conversion = this.convert(dto);
    const current = await this.prices.currentPrices(conversion.prices.map((price) => price.model));
    const set: ImportedPriceView[] = [];
    const unchanged: string[] = [];
    const kept: KeptPriceView[] = [];
    const wouldSet: string[] = [];
    const digests = new Map<string, ImportedDigest>();
    for (const price of conversion.prices) {
      const row = current.get(price.model);
      const source = priceDigest(price);
      const here = row ? priceDigest(row) : null;
      const before = previous.get(price.model);
      digests.set(price.model, { digest: source, priceId: row?.id ?? null });
      if (here === source) {
        unchanged.push(price.model);
        continue;
      }
      // A cache-write, audio or reasoning price has no NewAPI ratio: a migration's run takes one here
      // for an operator's change since the last run, and leaves the price as set here.
      if (before !== undefined && (before !== here || (row !== undefined && hasPartsNoImportSets(row)))) {
        kept.push({
          model: price.model,
          reason:
            before === source
              ? 'changed here since the last import, and not in the source: left as set here'
              : 'changed here and in the source since the last import: left as set here, check it',
        });
        continue;
      }
      if (dryRun) {
        wouldSet.push(price.model);
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
        // What NewAPI has no ratio for stays as the operator set it: the import prices only its parts.
        ...partsNoImportSets(row),
      });
      digests.set(price.model, { digest: source, priceId: view.id });
      set.push({ ...view, rounded: price.rounded });
    }
    const view = {
      quotaPerUnit: String(dto.quotaPerUnit ?? DEFAULT_QUOTA_PER_UNIT),
      set,
      unchanged,
      kept,
      ignored: conversion.ignored,
      ...(dryRun ? { wouldSet } : {}),
    };
    return { view, digests };
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

/** The fields of a price an import sets (or a stored row's), the ones it leaves null included. */
type ImportedFields = Pick<
  ModelPrice,
  | 'inputPer1MNano'
  | 'cachedInputPer1MNano'
  | 'outputPer1MNano'
  | 'perRequestNano'
  | 'charactersPer1MNano'
  | 'perImageNano'
> & {
  perImageBySize: Record<string, bigint | string> | null;
};

/**
 * A digest of a price as an import compares it: equal for a stored row and a converted price exactly
 * when the row's imported parts are what the import would set. The parts no import sets (reasoning,
 * cache-write, audio) are the operator's and are kept when a price is set, so they are not compared.
 */
export function priceDigest(price: ImportedFields): string {
  const sizes =
    price.perImageBySize === null
      ? null
      : Object.keys(price.perImageBySize)
          .sort()
          .map((size) => [size, String(price.perImageBySize?.[size])]);
  const parts = [
    price.inputPer1MNano,
    price.cachedInputPer1MNano,
    price.outputPer1MNano,
    price.perRequestNano,
    price.charactersPer1MNano,
    price.perImageNano,
    // Where the reasoning part was compared once: kept, so the digests earlier runs stored still match.
    null,
  ].map((part) => (part === null ? null : String(part)));
  return createHash('sha256')
    .update(JSON.stringify([...parts, sizes]))
    .digest('hex');
}

/** Whether a stored price has a part no import sets (outside the digest). */
function hasPartsNoImportSets(row: ModelPrice): boolean {
  return (
    row.cacheWritePer1MNano !== null || row.perAudioSecondNano !== null || row.reasoningPer1MNano !== null
  );
}

/** The parts of the model's current price that no import sets, to carry into the price it sets. */
function partsNoImportSets(
  row: ModelPrice | undefined,
): Pick<SetPriceDto, 'cacheWritePer1M' | 'perAudioSecond' | 'reasoningPer1M'> {
  const usd = (nano: bigint | null | undefined) => (nano == null ? null : nanoToUsd(nano));
  return {
    cacheWritePer1M: usd(row?.cacheWritePer1MNano),
    perAudioSecond: usd(row?.perAudioSecondNano),
    reasoningPer1M: usd(row?.reasoningPer1MNano),
  };
}

function usdBySize(prices: Record<string, bigint>): Record<string, string> {
  return Object.fromEntries(Object.entries(prices).map(([size, nano]) => [size, nanoToUsd(nano)]));
}

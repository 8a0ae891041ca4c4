// Model prices: append-only. A change adds a row effective now; a request is billed at the row in
// force when it started, so history is never rewritten.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { PageQuery, pageWindow } from '@gateway/common/http';
import { Actor } from '@gateway/identity';
import { nanoToUsd, usdToNano } from '@gateway/db';
import { ChangeFeed } from '@gateway/redis';
import { QueryFailedError, Repository } from 'typeorm';
import { BillingError, BillingErrorCode } from './billing.errors';
import type { PricePreviewQuery } from './dto/price-preview.query';
import type { SetPriceDto } from './dto/set-price.dto';
import { ModelPrice } from './entities/model-price.entity';
import { PRICES_TOPIC } from './pricing/prices-topic';
import { billMetered, imageRateNano, type MeteredUsage } from './pricing/metered-cost';
import { computeCost, microNanoToUsd } from './pricing/price-calculator';
import { ModelPriceListView, ModelPriceView, PriceView } from './views/model-price.view';
import { PricePreviewView } from './views/price-preview.view';

export const PREVIEW_ROUNDING =
  'token part rounded once, half up, to 0.000000001 USD; perRequest added after';

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error as QueryFailedError & { driverError?: { code?: string } }).driverError?.code === '23505'
  );
}

@Injectable()
export class ModelPricesService {
  constructor(
    @InjectRepository(ModelPrice) private readonly prices: Repository<ModelPrice>,
    private readonly audit: AuditService,
    private readonly changes: ChangeFeed,
  ) {}

  /** Adds a price row effective now (the database's clock, so every api process agrees). */
  async setPrice(actor: Actor, model: string, dto: SetPriceDto): Promise<ModelPriceView> {
    const input = usdToNano(dto.inputPer1M);
    try {
      const view = await this.prices.manager.transaction(async (manager) => {
        const repo = manager.getRepository(ModelPrice);
        const previous = await this.currentIn(repo, model);
        const inserted = await repo
          .createQueryBuilder()
          .insert()
          .into(ModelPrice)
          .values({
            model,
            inputPer1MNano: input,
            cachedInputPer1MNano:
              dto.cachedInputPer1M === undefined ? input : usdToNano(dto.cachedInputPer1M),
            outputPer1MNano: usdToNano(dto.outputPer1M),
            perRequestNano: usdToNano(dto.perRequest ?? '0'),
            reasoningPer1MNano: dto.reasoningPer1M == null ? null : usdToNano(dto.reasoningPer1M),
            perImageNano: dto.perImage == null ? null : usdToNano(dto.perImage),
            perImageBySize:
              dto.perImageBySize == null
                ? null
                : Object.fromEntries(
                    Object.entries(dto.perImageBySize).map(([size, usd]) => [
                      size,
                      usdToNano(usd).toString(),
                    ]),
                  ),
            perAudioSecondNano: dto.perAudioSecond == null ? null : usdToNano(dto.perAudioSecond),
            charactersPer1MNano: dto.charactersPer1M == null ? null : usdToNano(dto.charactersPer1M),
            cacheWritePer1MNano: dto.cacheWritePer1M == null ? null : usdToNano(dto.cacheWritePer1M),
            // clock_timestamp(), not now(): two changes in one transaction still get distinct times.
            effectiveFrom: () => 'clock_timestamp()',
            createdBy: actor.userId,
          })
          .returning(['id'])
          .execute();
        const id = (inserted.identifiers[0] as { id: string }).id;
        const row = await repo.findOneByOrFail({ id });
        const after = ModelPriceView.of(row);
        await this.audit.record(
          {
            actor,
            tenantId: null,
            action: 'create',
            entityType: 'model_price',
            entityId: row.id,
            before: previous ? ModelPriceView.of(previous) : null,
            after,
          },
          manager,
        );
        return after;
      });
      await this.changes.publish(PRICES_TOPIC, model);
      return view;
    } catch (error) {
      if (isUniqueViolation(error)) throw new BillingError(BillingErrorCode.Conflict);
      throw error;
    }
  }

  /** The price in force now, or null. */
  current(model: string): Promise<ModelPrice | null> {
    return this.currentIn(this.prices, model);
  }

  /** The price in force at `at` (a request's start), or null. For the relay's billing. */
  priceAt(model: string, at: Date): Promise<ModelPrice | null> {
    return this.prices
      .createQueryBuilder('p')
      .where('p.model = :model', { model })
      .andWhere('p.effectiveFrom <= :at', { at })
      .orderBy('p.effectiveFrom', 'DESC')
      .limit(1)
      .getOne();
  }

  /** Current prices of many models in one query. */
  async currentPrices(models: string[]): Promise<Map<string, ModelPrice>> {
    if (models.length === 0) return new Map();
    const rows = await this.prices
      .createQueryBuilder('p')
      .distinctOn(['p.model'])
      .where('p.model IN (:...models)', { models })
      .andWhere('p.effectiveFrom <= now()')
      .orderBy('p.model', 'ASC')
      .addOrderBy('p.effectiveFrom', 'DESC')
      .getMany();
    return new Map(rows.map((row) => [row.model, row]));
  }

  async currentView(model: string): Promise<ModelPriceView> {
    const row = await this.current(model);
    if (!row) throw new BillingError(BillingErrorCode.PriceNotSet);
    return ModelPriceView.of(row);
  }

  /** Every price the model has had, newest first. */
  async history(model: string, query: PageQuery): Promise<ModelPriceListView> {
    const { skip, take } = pageWindow(query);
    const [rows, total] = await this.prices.findAndCount({
      where: { model },
      order: { effectiveFrom: 'DESC' },
      skip,
      take,
    });
    return { items: rows.map((row) => ModelPriceView.of(row)), total };
  }

  /** What a request with these token counts would cost at the current price. */
  async preview(model: string, query: PricePreviewQuery): Promise<PricePreviewView> {
    const promptTokens = BigInt(query.promptTokens ?? '0');
    const cachedTokens = BigInt(query.cachedTokens ?? '0');
    const cacheWriteTokens = BigInt(query.cacheWriteTokens ?? '0');
    const completionTokens = BigInt(query.completionTokens ?? '0');
    const reasoningTokens = BigInt(query.reasoningTokens ?? '0');
    if (cachedTokens > promptTokens) {
      throw new BillingError(
        BillingErrorCode.ValidationFailed,
        'cachedTokens must not exceed promptTokens (cached tokens are part of the prompt)',
      );
    }
    if (cachedTokens + cacheWriteTokens > promptTokens) {
      throw new BillingError(
        BillingErrorCode.ValidationFailed,
        'cacheWriteTokens must not exceed promptTokens − cachedTokens (cache writes are part of the prompt, apart from cache reads)',
      );
    }
    if (reasoningTokens > completionTokens) {
      throw new BillingError(
        BillingErrorCode.ValidationFailed,
        'reasoningTokens must not exceed completionTokens (reasoning tokens are part of the completion)',
      );
    }
    const metered = meteredOf(query, { promptTokens, cachedTokens, completionTokens, reasoningTokens });
    const price = await this.current(model);
    if (!price) throw new BillingError(BillingErrorCode.PriceNotSet);
    const cost = computeCost(price, {
      promptTokens,
      cachedTokens,
      cacheWriteTokens,
      completionTokens,
      reasoningTokens,
    });
    const nanoPrice = priceNanoOf(price);
    const bill = metered === null ? null : billMetered(nanoPrice, metered);
    return {
      model,
      costUsd: nanoToUsd(bill === null ? cost.totalNano : bill.costNano),
      billed:
        bill === null || metered === null
          ? null
          : {
              unit: bill.unit,
              quantity: bill.quantity.toString(),
              rate: unitRate(nanoPrice, metered, bill.unit),
              costUsd: nanoToUsd(bill.costNano),
            },
      breakdown: {
        input: {
          tokens: (promptTokens - cachedTokens - cacheWriteTokens).toString(),
          ratePer1M: nanoToUsd(price.inputPer1MNano),
          costUsd: microNanoToUsd(cost.inputMicroNano),
        },
        cachedInput: {
          tokens: cachedTokens.toString(),
          ratePer1M: nanoToUsd(price.cachedInputPer1MNano),
          costUsd: microNanoToUsd(cost.cachedInputMicroNano),
        },
        cacheWrite: {
          tokens: cacheWriteTokens.toString(),
          ratePer1M: nanoToUsd(price.cacheWritePer1MNano ?? price.inputPer1MNano),
          costUsd: microNanoToUsd(cost.cacheWriteMicroNano),
        },
        output: {
          tokens: (completionTokens - reasoningTokens).toString(),
          ratePer1M: nanoToUsd(price.outputPer1MNano),
          costUsd: microNanoToUsd(cost.outputMicroNano),
        },
        reasoning: {
          tokens: reasoningTokens.toString(),
          ratePer1M: nanoToUsd(price.reasoningPer1MNano ?? price.outputPer1MNano),
          costUsd: microNanoToUsd(cost.reasoningMicroNano),
        },
        tokensUsd: nanoToUsd(cost.tokensNano),
        perRequestUsd: nanoToUsd(cost.perRequestNano),
      },
      price: PriceView.of(price),
      rounding: PREVIEW_ROUNDING,
    };
  }

  private currentIn(repo: Repository<ModelPrice>, model: string): Promise<ModelPrice | null> {
    return repo
      .createQueryBuilder('p')
      .where('p.model = :model', { model })
      .andWhere('p.effectiveFrom <= now()')
      .orderBy('p.effectiveFrom', 'DESC')
      .limit(1)
      .getOne();
  }
}

/** The non-token quantity the preview was asked about; at most one kind. */
function meteredOf(
  query: PricePreviewQuery,
  tokens: { promptTokens: bigint; cachedTokens: bigint; completionTokens: bigint; reasoningTokens: bigint },
): MeteredUsage | null {
  const asked = (['images', 'audioSeconds', 'characters'] as const).filter((f) => query[f] !== undefined);
  if (asked.length > 1) {
    throw new BillingError(
      BillingErrorCode.ValidationFailed,
      `${asked.join(' and ')}: a request bills in one unit; ask about one of images, audioSeconds, characters`,
    );
  }
  const reported =
    tokens.promptTokens + tokens.completionTokens > 0n
      ? {
          promptTokens: Number(tokens.promptTokens),
          cachedTokens: Number(tokens.cachedTokens),
          completionTokens: Number(tokens.completionTokens),
          reasoningTokens: Number(tokens.reasoningTokens),
        }
      : null;
  if (query.images !== undefined) {
    return {
      kind: 'images',
      count: Number(query.images),
      size: query.size ?? null,
      quality: query.quality ?? null,
      tokens: reported,
    };
  }
  if (query.audioSeconds !== undefined) {
    return { kind: 'audio', seconds: Number(query.audioSeconds), tokens: reported };
  }
  if (query.characters !== undefined) {
    return { kind: 'speech', characters: Number(query.characters), tokens: reported };
  }
  return null;
}

function priceNanoOf(row: ModelPrice) {
  const bySize = row.perImageBySize;
  return {
    ...row,
    perImageBySizeNano:
      bySize === null
        ? null
        : Object.fromEntries(Object.entries(bySize).map(([size, nano]) => [size, BigInt(nano)])),
  };
}

function unitRate(price: ReturnType<typeof priceNanoOf>, metered: MeteredUsage, unit: string): string | null {
  if (unit === 'images' && metered.kind === 'images') {
    const rate = imageRateNano(price, metered.size, metered.quality);
    return rate === null ? null : nanoToUsd(rate);
  }
  if (unit === 'audio_seconds' && price.perAudioSecondNano !== null)
    return nanoToUsd(price.perAudioSecondNano);
  if (unit === 'characters' && price.charactersPer1MNano !== null)
    return nanoToUsd(price.charactersPer1MNano);
  return null;
}

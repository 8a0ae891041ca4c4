// Keeps the relay's PriceBook current: loaded at start, reloaded when a price change is announced
// (ChangeFeed topic `prices`) and, as a safety net, every RELAY_TABLE_REFRESH_MS.
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { ChangeFeed } from '@gateway/redis';
import { Repository } from 'typeorm';
import { ModelPrice } from '../entities/model-price.entity';
import { GroupMultipliersService } from '../multipliers/group-multipliers.service';
import { PriceBook } from './price-book';

export const PRICES_TOPIC = 'prices';

@Injectable()
export class PriceBookService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PriceBook');
  private book = new PriceBook([]);
  private loaded: Promise<void> | null = null;
  private stale = true;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    @InjectRepository(ModelPrice) private readonly prices: Repository<ModelPrice>,
    private readonly changes: ChangeFeed,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly groupMultipliers: GroupMultipliersService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.changes.subscribe(PRICES_TOPIC, () => {
      this.stale = true;
    });
    this.timer = setInterval(() => {
      this.stale = true;
    }, this.config.RELAY_TABLE_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    clearInterval(this.timer);
  }

  /** The current book; reloads first when a change was announced or the subscription is down. */
  async current(): Promise<PriceBook> {
    // While a reload runs, the book it replaces is already known to be out of date.
    if (this.loaded || this.stale || !this.changes.listening) await this.reload();
    return this.book;
  }

  private reload(): Promise<void> {
    // One reload at a time, whatever the number of requests waiting for it.
    this.loaded ??= (async () => {
      this.stale = false;
      try {
        const [rows, multipliers] = await Promise.all([
          this.prices.find(),
          this.groupMultipliers.multipliers(),
        ]);
        this.book = new PriceBook(rows, multipliers);
      } catch (error) {
        this.stale = true;
        this.logger.error(`could not load prices: ${(error as Error).message}`);
        throw error;
      } finally {
        this.loaded = null;
      }
    })();
    return this.loaded;
  }
}

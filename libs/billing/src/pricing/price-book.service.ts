// Keeps the relay's PriceBook current without a query per request: reloaded when a price or
// multiplier change is announced (ChangeFeed topic `prices`) and every RELAY_TABLE_REFRESH_MS.
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { AnnouncedSnapshot, ChangeFeed } from '@gateway/redis';
import { Repository } from 'typeorm';
import { ModelPrice } from '../entities/model-price.entity';
import { GroupMultipliersService } from '../multipliers/group-multipliers.service';
import { PriceBook } from './price-book';
import { PRICES_TOPIC } from './prices-topic';

@Injectable()
export class PriceBookService implements OnApplicationShutdown {
  private readonly snapshot: AnnouncedSnapshot<PriceBook>;

  constructor(
    @InjectRepository(ModelPrice) prices: Repository<ModelPrice>,
    changes: ChangeFeed,
    @Inject(APP_CONFIG) config: AppConfig,
    groupMultipliers: GroupMultipliersService,
  ) {
    this.snapshot = new AnnouncedSnapshot(changes, PRICES_TOPIC, config.RELAY_TABLE_REFRESH_MS, async () => {
      const [rows, multipliers] = await Promise.all([prices.find(), groupMultipliers.multipliers()]);
      return new PriceBook(rows, multipliers);
    });
  }

  onApplicationShutdown(): void {
    this.snapshot.close();
  }

  /** The current book (every price row of every model, and the group multipliers). */
  current(): Promise<PriceBook> {
    return this.snapshot.current();
  }
}

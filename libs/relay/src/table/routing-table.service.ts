// Keeps the relay's RoutingTable current without a database read per request (DESIGN.md
// invariant 1): loaded once, reloaded when a channel change is announced (ChangeFeed topic
// `channels`), when the subscription was lost, and every RELAY_TABLE_REFRESH_MS as a safety net.
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { CHANNELS_TOPIC, ChannelsService } from '@gateway/channels';
import { ChangeFeed } from '@gateway/redis';
import { RoutingTable } from './routing-table';

@Injectable()
export class RoutingTableService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RoutingTable');
  private table: RoutingTable | null = null;
  private loading: Promise<RoutingTable> | null = null;
  private stale = true;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(
    private readonly channels: ChannelsService,
    private readonly changes: ChangeFeed,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.changes.subscribe(CHANNELS_TOPIC, () => {
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

  /** The current table; reloads first when it may be out of date. */
  async current(): Promise<RoutingTable> {
    // While a reload runs, the table it replaces is already known to be out of date.
    if (this.loading) return this.loading;
    if (this.table && !this.stale && this.changes.listening) return this.table;
    return this.reload();
  }

  private reload(): Promise<RoutingTable> {
    // Requests arriving during a reload share it.
    this.loading ??= (async () => {
      this.stale = false;
      try {
        const { channels, undecryptable } = await this.channels.routingTable();
        if (undecryptable > 0) {
          this.logger.error(
            `${undecryptable} channel key(s) cannot be decrypted with the configured ENCRYPTION_KEY(S) and are not routed`,
          );
        }
        this.table = new RoutingTable(channels);
        return this.table;
      } catch (error) {
        this.stale = true;
        throw error;
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}

// Keeps the relay's RoutingTable current without a database read per request (docs/design.md
// invariant 1): reloaded when a channel or chain change is announced (topics `channels`, `model-chains`), when the
// subscription was lost, and every RELAY_TABLE_REFRESH_MS as a safety net.
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { CHANNELS_TOPIC, ChannelsService, MODEL_CHAINS_TOPIC, ModelChainsService } from '@gateway/channels';
import { AnnouncedSnapshot, ChangeFeed } from '@gateway/redis';
import { RoutingTable } from './routing-table';

@Injectable()
export class RoutingTableService implements OnApplicationShutdown {
  private readonly logger = new Logger('RoutingTable');
  private readonly snapshot: AnnouncedSnapshot<RoutingTable>;

  constructor(
    channels: ChannelsService,
    chains: ModelChainsService,
    changes: ChangeFeed,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.snapshot = new AnnouncedSnapshot(
      changes,
      [CHANNELS_TOPIC, MODEL_CHAINS_TOPIC],
      config.RELAY_TABLE_REFRESH_MS,
      async () => {
        const [{ channels: routable, undecryptable }, config] = await Promise.all([
          channels.routingTable(),
          chains.routingConfig(),
        ]);
        if (undecryptable > 0) {
          this.logger.error(
            `${undecryptable} channel key(s) cannot be decrypted with the configured ENCRYPTION_KEY(S) and are not routed`,
          );
        }
        return new RoutingTable(routable, config);
      },
    );
  }

  onApplicationShutdown(): void {
    this.snapshot.close();
  }

  /** The current table; reloads first when it may be out of date. */
  current(): Promise<RoutingTable> {
    return this.snapshot.current();
  }
}

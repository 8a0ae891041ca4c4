import { Module } from '@nestjs/common';
import { BillingModule } from '@gateway/billing';
import { ChannelsModule } from '@gateway/channels';
import { IdentityModule } from '@gateway/identity';
import { TokensModule } from '@gateway/tokens';
import { UsageModule } from '@gateway/usage';
import { RelayLimiter } from './limits/relay-limiter';
import { RelayMetrics } from './metrics/relay-metrics';
import { RelayController } from './relay.controller';
import { AttemptRunner } from './relay/attempt-runner';
import { RelayService } from './relay/relay.service';
import { StickySessions } from './relay/sticky-sessions';
import { RoutingTableService } from './table/routing-table.service';
import { TenantFactsService } from './table/tenant-facts.service';
import { UpstreamClient } from './upstream/upstream-client';

/** The /v1 relay: routing, failover, limits and metering. */
@Module({
  imports: [TokensModule, ChannelsModule, BillingModule, IdentityModule, UsageModule],
  controllers: [RelayController],
  providers: [
    RelayService,
    AttemptRunner,
    UpstreamClient,
    RelayLimiter,
    RelayMetrics,
    StickySessions,
    RoutingTableService,
    TenantFactsService,
  ],
  exports: [RelayLimiter, RelayMetrics],
})
export class RelayModule {}

import { Module } from '@nestjs/common';
import { BillingModule } from '@gateway/billing';
import { ChannelsModule } from '@gateway/channels';
import { IdentityModule } from '@gateway/identity';
import { TokensModule } from '@gateway/tokens';
import { UsageModule } from '@gateway/usage';
import { RelayLimiter } from './limits/relay-limiter';
import { RelayMetrics } from './metrics/relay-metrics';
import { GenerateContentController } from './generate-content.controller';
import { RelayController } from './relay.controller';
import { AttemptRunner } from './relay/attempt-runner';
import { KeyBeforeBody } from './relay/key-before-body';
import { RelayCallers } from './relay/relay-caller';
import { StickySessions } from './relay/sticky-sessions';
import { RoutingTableService } from './table/routing-table.service';
import { TenantFactsService } from './table/tenant-facts.service';
import { UpstreamClient } from './upstream/upstream-client';
import { CountTokens } from './usecases/count-tokens/count-tokens.usecase';
import { GetOwnUsage } from './usecases/get-own-usage/get-own-usage.usecase';
import { ListModels } from './usecases/list-models/list-models.usecase';
import { RelayRequest } from './usecases/relay-request/relay-request.usecase';
import { RequestSettlement } from './usecases/relay-request/request-settlement';
import { WorstCaseHold } from './usecases/relay-request/worst-case-hold';

/** The /v1 relay: routing, failover, limits and metering. */
@Module({
  imports: [TokensModule, ChannelsModule, BillingModule, IdentityModule, UsageModule],
  controllers: [RelayController, GenerateContentController],
  providers: [
    ListModels,
    GetOwnUsage,
    CountTokens,
    RelayRequest,
    WorstCaseHold,
    RequestSettlement,
    RelayCallers,
    KeyBeforeBody,
    AttemptRunner,
    UpstreamClient,
    RelayLimiter,
    RelayMetrics,
    StickySessions,
    RoutingTableService,
    TenantFactsService,
  ],
  exports: [RelayLimiter, RelayMetrics, KeyBeforeBody],
})
export class RelayModule {}

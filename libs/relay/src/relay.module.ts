import { Module } from '@nestjs/common';
import { BillingModule } from '@gateway/billing';
import { ChannelsModule } from '@gateway/channels';
import { IdentityModule } from '@gateway/identity';
import { TokensModule } from '@gateway/tokens';
import { UsageModule } from '@gateway/usage';
import { KeyStatsTally } from './limits/key-stats-tally';
import { RelayLimiter } from './limits/relay-limiter';
import { RelayMetrics } from './metrics/relay-metrics';
import { GenerateContentController } from './generate-content.controller';
import { MediaController } from './media.controller';
import { RelayController } from './relay.controller';
import { AttemptRunner } from './relay/attempt-runner';
import { KeyBeforeBody } from './relay/key-before-body';
import { RelayCallers } from './relay/relay-caller';
import { RelayInFlight } from './relay/relay-in-flight';
import { KeyVerdicts } from './relay/key-verdicts';
import { StickySessions } from './relay/sticky-sessions';
import { RoutingTableService } from './table/routing-table.service';
import { TenantFactsService } from './table/tenant-facts.service';
import { UpstreamClient } from './upstream/upstream-client';
import { CountTokens } from './usecases/count-tokens/count-tokens.usecase';
import { GetOwnUsage } from './usecases/get-own-usage/get-own-usage.usecase';
import { ListModels } from './usecases/list-models/list-models.usecase';
import { MediaAttemptRunner } from './usecases/relay-media/media-attempt-runner';
import { MediaRelays } from './usecases/relay-media/media-relays';
import { RelayRequest } from './usecases/relay-request/relay-request.usecase';
import { RequestAdmission } from './usecases/relay-request/request-admission';
import { RequestSettlement } from './usecases/relay-request/request-settlement';
import { WorstCaseHold } from './usecases/relay-request/worst-case-hold';

/** The /v1 relay: routing, failover, limits and metering. */
@Module({
  imports: [TokensModule, ChannelsModule, BillingModule, IdentityModule, UsageModule],
  controllers: [RelayController, GenerateContentController, MediaController],
  providers: [
    ListModels,
    GetOwnUsage,
    CountTokens,
    RelayRequest,
    WorstCaseHold,
    RequestAdmission,
    RequestSettlement,
    RelayCallers,
    RelayInFlight,
    KeyBeforeBody,
    AttemptRunner,
    MediaAttemptRunner,
    MediaRelays,
    UpstreamClient,
    KeyStatsTally,
    RelayLimiter,
    RelayMetrics,
    StickySessions,
    KeyVerdicts,
    RoutingTableService,
    TenantFactsService,
  ],
  exports: [RelayLimiter, RelayMetrics, RelayInFlight, KeyBeforeBody],
})
export class RelayModule {}

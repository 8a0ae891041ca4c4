import { Controller, Get, Header, HttpStatus, Inject, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, type AppConfig, gatewayVersion, type GatewayVersion } from '@gateway/config';
import { Public } from '@gateway/identity';
import { REDIS } from '@gateway/redis';
import { RelayMetrics } from '@gateway/relay';
import { UsageRecorder } from '@gateway/usage';
import type { Response } from 'express';
import type Redis from 'ioredis';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { Drain } from './drain';
import { HttpMetrics } from './metrics';
import { MetricsAccessGuard } from './metrics-access.guard';

const CHECK_TIMEOUT_MS = 2_000;

type CheckState = 'up' | 'down';

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

@ApiTags('system')
@Controller()
export class SystemController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly metrics: HttpMetrics,
    private readonly relayMetrics: RelayMetrics,
    private readonly drain: Drain,
    private readonly usageRecorder: UsageRecorder,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.version = gatewayVersion(config.GATEWAY_COMMIT);
  }

  private readonly version: GatewayVersion;

  @Public()
  @Get('health')
  @ApiOkResponse({ description: 'The process is alive.' })
  health(): { status: 'ok' } & GatewayVersion {
    return { status: 'ok', ...this.version };
  }

  @Public()
  @Get('ready')
  @ApiOkResponse({ description: 'Postgres and Redis answer (503 otherwise, with the same shape).' })
  async ready(@Res({ passthrough: true }) res: Response) {
    const [postgres, redis] = await Promise.all([
      this.check(() => this.dataSource.query('SELECT 1')),
      this.check(() => this.redis.ping()),
    ]);
    const ok = postgres === 'up' && redis === 'up' && !this.drain.draining;
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    const status = this.drain.draining ? 'draining' : ok ? 'ok' : 'unavailable';
    return { status, checks: { postgres, redis } };
  }

  @Public()
  @UseGuards(MetricsAccessGuard)
  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Cache-Control', 'no-store')
  async prometheus(@Res() res: Response): Promise<void> {
    const registry = Registry.merge([
      this.metrics.registry,
      this.relayMetrics.registry,
      this.usageRecorder.registry,
    ]);
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  }

  private async check(probe: () => Promise<unknown>): Promise<CheckState> {
    try {
      await withTimeout(probe(), CHECK_TIMEOUT_MS);
      return 'up';
    } catch {
      return 'down';
    }
  }
}

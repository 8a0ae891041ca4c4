import { Module } from '@nestjs/common';
import { RelayModule } from '@gateway/relay';
import { UsageModule } from '@gateway/usage';
import { Drain } from './drain';
import { HttpMetrics } from './metrics';
import { SystemController } from './system.controller';

@Module({
  imports: [RelayModule, UsageModule],
  controllers: [SystemController],
  providers: [HttpMetrics, Drain],
  exports: [HttpMetrics, Drain],
})
export class SystemModule {}

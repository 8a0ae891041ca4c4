import { Module } from '@nestjs/common';
import { RelayModule } from '@gateway/relay';
import { Drain } from './drain';
import { HttpMetrics } from './metrics';
import { SystemController } from './system.controller';

@Module({
  imports: [RelayModule],
  controllers: [SystemController],
  providers: [HttpMetrics, Drain],
  exports: [HttpMetrics, Drain],
})
export class SystemModule {}

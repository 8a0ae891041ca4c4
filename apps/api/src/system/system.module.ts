import { Module } from '@nestjs/common';
import { RelayModule } from '@gateway/relay';
import { HttpMetrics } from './metrics';
import { SystemController } from './system.controller';

@Module({
  imports: [RelayModule],
  controllers: [SystemController],
  providers: [HttpMetrics],
  exports: [HttpMetrics],
})
export class SystemModule {}

import { Module } from '@nestjs/common';
import { HttpMetrics } from './metrics';
import { SystemController } from './system.controller';

@Module({
  controllers: [SystemController],
  providers: [HttpMetrics],
  exports: [HttpMetrics],
})
export class SystemModule {}

import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { QueueLagIndicator } from './queue-lag.indicator';
import { ApiVersionsIndicator } from './api-versions.indicator';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [QueueLagIndicator, ApiVersionsIndicator],
})
export class HealthModule {}

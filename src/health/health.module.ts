import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { QueueLagIndicator } from './queue-lag.indicator';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [QueueLagIndicator],
})
export class HealthModule {}

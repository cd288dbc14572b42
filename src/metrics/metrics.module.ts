import { Global, Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { WorkerMetricsServer } from './worker-metrics.server';

/** One MetricsService per process, global so the few places that observe something can inject it. */
@Global()
@Module({
  imports: [QueueModule],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule {}

/** The API's /metrics (token-protected). */
@Module({ imports: [MetricsModule], controllers: [MetricsController] })
export class ApiMetricsModule {}

/** The worker's small HTTP server for /metrics and /health. */
@Module({ imports: [MetricsModule], providers: [WorkerMetricsServer], exports: [WorkerMetricsServer] })
export class WorkerMetricsModule {}

import { Module } from '@nestjs/common';
import { AnalyticsWorkerModule } from './analytics/analytics-worker.module';
import { ScheduleModule } from '@nestjs/schedule';
import { AuditModule } from './audit/audit.module';
import { LoggingModule } from './common/logging.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { WorkerMetricsModule } from './metrics/metrics.module';
import { NotificationsWorkerModule } from './notifications/notifications-worker.module';
import { PublishWorkerModule } from './queue/publish-worker.module';
import { QueueModule } from './queue/queue.module';
import { RedisModule } from './redis/redis.module';

/** The worker process: queue processors and schedules (reconciler, follower polling), and /metrics on WORKER_METRICS_PORT. */
@Module({
  imports: [ConfigModule, LoggingModule, DatabaseModule, AuditModule, RedisModule, QueueModule, ScheduleModule.forRoot(), PublishWorkerModule, AnalyticsWorkerModule, NotificationsWorkerModule, WorkerMetricsModule],
})
export class WorkerModule {}

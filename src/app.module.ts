import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ApprovalsModule } from './campaigns/approvals/approvals.module';
import { ChannelsModule } from './channels/channels.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { HttpExceptionFilter } from './common/errors/http-exception.filter';
import { LoggingModule } from './common/logging.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { ApiMetricsModule } from './metrics/metrics.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PipelineModule } from './queue/pipeline.module';
import { QueueModule } from './queue/queue.module';
import { RedisModule } from './redis/redis.module';
import { WebModule } from './web/web.module';

/** The API process: REST under /api, OpenAPI at /docs, /health. */
@Module({
  imports: [ConfigModule, LoggingModule, DatabaseModule.forApi(), AuditModule, RedisModule, QueueModule, HealthModule, AuthModule, NotificationsModule, ApprovalsModule, ChannelsModule, CampaignsModule, AnalyticsModule, WebModule, PipelineModule, ApiMetricsModule],
  providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
})
export class AppModule {}

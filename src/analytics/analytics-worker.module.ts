import { Module } from '@nestjs/common';
import { PipelineModule } from '../queue/pipeline.module';
import { QueueModule } from '../queue/queue.module';
import { ANALYTICS_SETTINGS, loadAnalyticsSettings } from './analytics-settings';
import { FollowerPollProcessor } from './snapshots/follower-poll.processor';
import { FollowerPoller } from './snapshots/follower-poller.service';
import { PollTicker } from './snapshots/poll-ticker.service';
import { SnapshotRetention } from './snapshots/snapshot-retention.service';
import { SnapshotRequestModule } from './snapshots/snapshot-request.module';
import { PostMetricsProcessor } from './post-metrics/post-metrics.processor';
import { PostMetricsReader } from './post-metrics/post-metrics-reader.service';
import { PostMetricsTicker } from './post-metrics/post-metrics-ticker.service';

/** The worker side of result indicators: scheduled follower polls, boundary snapshots, retention. */
@Module({
  // PipelineModule brings the adapter registry and ChannelContextService, the same ones publishing uses.
  imports: [QueueModule, PipelineModule, SnapshotRequestModule],
  providers: [
    { provide: ANALYTICS_SETTINGS, useFactory: () => loadAnalyticsSettings() },
    FollowerPoller,
    FollowerPollProcessor,
    PollTicker,
    SnapshotRetention,
    PostMetricsReader,
    PostMetricsProcessor,
    PostMetricsTicker,
  ],
  exports: [SnapshotRequestModule],
})
export class AnalyticsWorkerModule {}

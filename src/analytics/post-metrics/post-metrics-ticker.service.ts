import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QueueName } from '../../queue/queue-names';
import { ANALYTICS_SETTINGS, AnalyticsSettings } from '../analytics-settings';
import { POST_METRICS_DUE_SQL } from '../outputs.sql';
import { READ_POST_METRICS, ReadPostMetricsJob } from './post-metrics-job';

/**
 * The worker's clock for per-post figures. Each tick finds published deliveries that reached one
 * of the configured ages (1 h, 24 h, 7 d, 28 d after publication) and were not yet read for it (or
 * whose last try failed and may be retried), at most N per tick and M per channel, and enqueues
 * their readings spread over the tick so a campaign's morning of posts is not read in one burst.
 * The job id is (delivery, age), so several workers ticking at once enqueue each reading once.
 */
@Injectable()
export class PostMetricsTicker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PostMetricsTicker.name);
  private running = false;

  constructor(
    private readonly db: DataSource,
    @InjectQueue(QueueName.PostMetrics) private readonly queue: Queue<ReadPostMetricsJob>,
    private readonly schedules: SchedulerRegistry,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.schedules.addInterval('post-metrics-ticker', setInterval(() => void this.tick(), this.settings.postMetricTickMs));
  }

  onApplicationShutdown(): void {
    if (this.schedules.doesExist('interval', 'post-metrics-ticker')) this.schedules.deleteInterval('post-metrics-ticker');
  }

  /** `spreadMs`: readings found now are spread over this long (default: until the next tick). */
  async tick(spreadMs = this.settings.postMetricTickMs): Promise<{ enqueued: number }> {
    if (this.running) return { enqueued: 0 };
    this.running = true;
    try {
      const ages = this.settings.postMetricAges;
      // Readings are looked for until two days after the last age: a worker that was down catches up, then stops.
      const horizonMinutes = ages[ages.length - 1].minutes + 2 * 1440;
      const due: Array<{ delivery_id: string; age: string }> = await this.db.query(POST_METRICS_DUE_SQL, [
        ages.map((a) => a.label), ages.map((a) => a.minutes), horizonMinutes, this.settings.postMetricsPerTick, this.settings.postMetricsPerChannelPerTick,
      ]);
      for (const d of due) {
        await this.queue.add(READ_POST_METRICS, { deliveryId: d.delivery_id, age: d.age }, {
          jobId: `metrics-${d.delivery_id}-${d.age}`,
          delay: Math.round(Math.random() * spreadMs),
          // Gone once done, so a failed reading can be asked again after its retry time.
          removeOnComplete: true,
          removeOnFail: 1000,
          // Network failures are recorded as snapshots by the reader; a throw here is a bug, retried a little.
          attempts: 3,
          backoff: { type: 'exponential', delay: 30_000 },
        });
      }
      return { enqueued: due.length };
    } catch (err) {
      this.logger.error(`Post metrics tick failed: ${err instanceof Error ? err.message : String(err)}`);
      return { enqueued: 0 };
    } finally {
      this.running = false;
    }
  }
}

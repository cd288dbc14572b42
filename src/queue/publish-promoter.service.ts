import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DeliveryRepository } from '../campaigns/deliveries/delivery.repository';
import { ENV, Env } from '../config/env';
import { MetricsService } from '../metrics/metrics.service';
import { PublishScheduler } from './publish-scheduler.service';

const BATCH = 2000;

/**
 * Adds the jobs of deliveries entering the publish horizon (approved long ago, or moved nearer
 * without a job), on every tick, in every worker. Several promoters at once are safe: each marks
 * the rows it takes (others skip them), and a job added twice is one job (deterministic ids).
 */
@Injectable()
export class PublishPromoter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PublishPromoter.name);
  private running = false;
  private stopped = false;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly scheduler: PublishScheduler,
    private readonly schedules: SchedulerRegistry,
    @Inject(ENV) private readonly env: Env,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedules.addInterval('publish-promoter', setInterval(() => void this.tick(), this.env.RECONCILE_INTERVAL_MS));
    void this.tick();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      await this.metrics.timePass('promoter', () => this.promote());
    } catch (err) {
      if (!this.stopped) this.logger.error({ err }, 'promotion failed; next tick retries');
    } finally {
      this.running = false;
    }
  }

  /** One pass: how many jobs it added. */
  async promote(): Promise<number> {
    let added = 0;
    for (;;) {
      const rows = await this.deliveries.promote(this.scheduler.horizon(), BATCH);
      await this.scheduler.addJobs(rows);
      added += rows.length;
      if (rows.length < BATCH || this.stopped) break;
    }
    if (added) this.logger.log({ added }, 'promoted deliveries into the publish horizon');
    return added;
  }
}

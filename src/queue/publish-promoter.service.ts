import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DeliveryRepository } from '../campaigns/deliveries/delivery.repository';
import { ENV, Env } from '../config/env';
import { MetricsService } from '../metrics/metrics.service';
import { PeriodicPass } from './periodic-pass';
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
  private readonly pass = new PeriodicPass('publish-promoter', this.logger, () => this.metrics.timePass('promoter', () => this.promote()));

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly scheduler: PublishScheduler,
    private readonly schedules: SchedulerRegistry,
    @Inject(ENV) private readonly env: Env,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.pass.start(this.schedules, this.env.RECONCILE_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    this.pass.stop();
  }

  /** One pass: how many jobs it added. */
  async promote(): Promise<number> {
    let added = 0;
    for (;;) {
      const rows = await this.deliveries.promote(this.scheduler.horizon(), BATCH);
      await this.scheduler.addJobs(rows);
      added += rows.length;
      if (rows.length < BATCH || this.pass.isStopped) break;
    }
    if (added) this.logger.log({ added }, 'promoted deliveries into the publish horizon');
    return added;
  }
}

import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { DeliveryRepository } from '../campaigns/deliveries/delivery.repository';
import { ENV, Env } from '../config/env';
import { MetricsService } from '../metrics/metrics.service';
import { PeriodicPass } from './periodic-pass';
import { PublishScheduler } from './publish-scheduler.service';
import { publishJobId, PublishDeliveryJob } from './publish-job';
import { QueueName } from './queue-names';

/** Deliveries looked at per pass, earliest first. */
const BATCH = 1000;
/** Job states in which the job will still run on its own. */
const PENDING = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

/**
 * Makes Redis disposable (Postgres is the truth). On every tick, in every worker: deliveries of
 * submitted posts still unapproved at their minute are skipped; every delivery abandoned in
 * `publishing` gets a job that looks it up on the network before anything else; every ready
 * delivery whose job should have run a whole interval ago and is not in the queue (Redis lost,
 * a job that failed) gets its job again. Several workers may run it at once: every change is a
 * conditional UPDATE and every job id is deterministic. Only BullMQ's public API is used: a job
 * held by a dead worker is BullMQ's own stalled-job check to return.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Reconciler.name);
  private readonly pass = new PeriodicPass('publish-reconciler', this.logger, () => this.metrics.timePass('reconciler', () => this.reconcile()));

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly scheduler: PublishScheduler,
    private readonly schedules: SchedulerRegistry,
    @InjectQueue(QueueName.Publish) private readonly queue: Queue<PublishDeliveryJob>,
    @Inject(ENV) private readonly env: Env,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.pass.start(this.schedules, this.env.RECONCILE_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    this.pass.stop();
  }

  /** One pass; returns what it did (for tests and logs). */
  async reconcile(): Promise<{ skipped: number; enqueued: number; recovered: number }> {
    const skipped = await this.deliveries.skipUnapprovedDue();

    const stale = await this.deliveries.stalePublishing(this.env.PUBLISH_LEASE_MS, BATCH);
    // A fresh job id per recovery generation: the dead worker's job may still sit in Redis, held.
    await this.scheduler.addJobs(stale.map((s) => ({ ...s, generation: s.attempts })));

    const overdue = await this.deliveries.overdueWithJob(this.env.RECONCILE_INTERVAL_MS, BATCH);
    const states = await Promise.all(overdue.map((r) => this.queue.getJobState(publishJobId(r.id, r.postVersion))));
    const lost = overdue.filter((_, i) => !PENDING.has(states[i]));
    // A finished job keeps its id until removed; remove it so the id can be added again.
    await this.scheduler.removeJobs(lost);
    await this.scheduler.addJobs(lost.map((r) => ({ ...r, dueAt: new Date() })));

    if (skipped.length || stale.length || lost.length) {
      this.logger.log({ skipped: skipped.length, recovered: stale.length, enqueued: lost.length }, 'reconciled deliveries');
    }
    return { skipped: skipped.length, enqueued: lost.length, recovered: stale.length };
  }
}

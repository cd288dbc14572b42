import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { ChangedDelivery, DeliveryRepository, EnqueueRow } from '../campaigns/deliveries/delivery.repository';
import { ENV, Env } from '../config/env';
import { PUBLISH_DELIVERY, publishJobId, publishJobOptions, PublishDeliveryJob } from './publish-job';
import { QueueName } from './queue-names';

const ADD_BATCH = 1000;

/**
 * The producer side of the publish queue, used by the API (approvals, manager operations, post
 * moves), the promoter and the reconciler. Redis holds the near future only: a delivery gets its
 * job (a wake-up at due_at) once due within PUBLISH_HORIZON_MINUTES; later ones wait in Postgres
 * until the promoter adds theirs. Postgres moves first; a job lost between the two is restored by
 * the reconciler.
 */
@Injectable()
export class PublishScheduler {
  readonly horizonMs: number;

  constructor(
    private readonly deliveries: DeliveryRepository,
    @InjectQueue(QueueName.Publish) private readonly queue: Queue<PublishDeliveryJob>,
    @Inject(ENV) env: Env,
  ) {
    this.horizonMs = env.PUBLISH_HORIZON_MINUTES * 60_000;
  }

  /** The end of the horizon, now. */
  horizon(): Date {
    return new Date(Date.now() + this.horizonMs);
  }

  /**
   * Adds the jobs of the given deliveries that are ready and due within the horizon (others wait
   * in Postgres for the promoter). Safe to call twice: job ids are deterministic.
   */
  async enqueue(deliveryIds: string[]): Promise<void> {
    await this.addJobs(await this.deliveries.markEnqueued(deliveryIds, this.horizon()));
  }

  /** Adds (idempotently) the jobs of these deliveries. */
  async addJobs(rows: Array<EnqueueRow & { generation?: number }>): Promise<void> {
    for (let i = 0; i < rows.length; i += ADD_BATCH) {
      await this.queue.addBulk(
        rows.slice(i, i + ADD_BATCH).map((r) => ({
          name: PUBLISH_DELIVERY,
          data: { deliveryId: r.id, version: r.postVersion, channelId: r.channelId },
          opts: publishJobOptions(r.id, r.postVersion, r.dueAt, r.generation),
        })),
      );
    }
  }

  /**
   * After a post moved or was cancelled in Postgres: the old wake-ups go (only for deliveries that
   * had one: beyond the horizon nothing is in Redis), and those ready within the horizon get new ones.
   */
  async follow(changed: ChangedDelivery[]): Promise<void> {
    await this.removeJobs(changed.filter((c) => c.hadJob));
    const waiting = changed.filter((c) => c.status === 'approved').map((c) => c.id);
    if (waiting.length) await this.enqueue(waiting);
  }

  async removeJobs(rows: Array<{ id: string; postVersion: number }>): Promise<void> {
    // remove() answers 0 for a job a worker holds: that worker reads the new state from Postgres.
    await Promise.all(rows.map((r) => this.queue.remove(publishJobId(r.id, r.postVersion)).catch(() => 0)));
  }
}

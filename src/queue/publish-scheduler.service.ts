import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DeliveryTransitions, EnqueueRow } from './delivery-transitions';
import { PUBLISH_DELIVERY, publishJobId, publishJobOptions, PublishDeliveryJob } from './publish-job';
import { QueueName } from './queue-names';

const ADD_BATCH = 1000;

/**
 * The producer side of the publish queue, used by the API (approvals, manager operations) and the
 * reconciler. Postgres moves first (approved → queued); the job is only a wake-up at due_at, so a
 * job lost between the two is restored by the reconciler.
 */
@Injectable()
export class PublishScheduler {
  constructor(
    private readonly transitions: DeliveryTransitions,
    @InjectQueue(QueueName.Publish) private readonly queue: Queue<PublishDeliveryJob>,
  ) {}

  /**
   * Queues the deliveries that are ready (status approved or queued, approved at the post's
   * current version, post not cancelled) and adds their delayed jobs. Others are ignored.
   * Returns the ids queued. Safe to call twice.
   */
  async enqueue(deliveryIds: string[]): Promise<string[]> {
    const rows = await this.transitions.markQueued(deliveryIds);
    await this.addJobs(rows);
    return rows.map((r) => r.id);
  }

  /** Adds (idempotently) the jobs of deliveries already queued in Postgres. */
  async addJobs(rows: Array<EnqueueRow & { generation?: number }>): Promise<void> {
    for (let i = 0; i < rows.length; i += ADD_BATCH) {
      await this.queue.addBulk(
        rows.slice(i, i + ADD_BATCH).map((r) => ({
          name: PUBLISH_DELIVERY,
          data: { deliveryId: r.id, version: r.postVersion, ...(r.channelId ? { channelId: r.channelId } : {}) },
          opts: publishJobOptions(r.id, r.postVersion, r.dueAt, r.generation),
        })),
      );
    }
  }

  /**
   * Moves the jobs of deliveries whose due_at changed (reschedule): the old delayed job goes and a
   * new one is added. A job already running keeps running; the worker re-reads due_at anyway.
   */
  async moveJobs(rows: EnqueueRow[]): Promise<void> {
    await this.removeJobs(rows);
    await this.addJobs(rows);
  }

  async removeJobs(rows: Array<{ id: string; postVersion: number }>): Promise<void> {
    // remove() answers 0 for a job that is locked by a worker: that worker sees the new state in Postgres.
    await Promise.all(rows.map((r) => this.queue.remove(publishJobId(r.id, r.postVersion)).catch(() => 0)));
  }
}

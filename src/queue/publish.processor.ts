import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { ENV, Env } from '../config/env';
import { DeliveryPublisher } from './delivery-publisher.service';
import { PUBLISH_DELIVERY, PublishDeliveryJob } from './publish-job';
import { QueueName } from './queue-names';

/**
 * Runs publish jobs in the worker process. A job is only a wake-up: everything is decided from
 * Postgres by DeliveryPublisher. When the delivery must wait (not yet due, channel busy, backoff,
 * rate limit) the same job goes back to the delayed set, so it keeps its deterministic id.
 */
@Processor(QueueName.Publish)
export class PublishProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PublishProcessor.name);

  constructor(
    private readonly publisher: DeliveryPublisher,
    @Inject(ENV) private readonly env: Env,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.env.WORKER_CONCURRENCY;
  }

  /**
   * Before anything closes the database, the running jobs end and record what they did (BullMQ's
   * close waits for them; @nestjs/bullmq closes it again, harmlessly).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  /**
   * BullMQ reports Redis-side failures here (e.g. a job whose keys vanished with Redis): Postgres
   * still holds the delivery's state and the reconciler restores its job, so we only log.
   */
  @OnWorkerEvent('error')
  onError(err: Error): void {
    this.logger.warn({ err: err.message }, 'publish worker error');
  }

  /**
   * A job that threw (Postgres out of reach…) ends
   * failed and is removed. The delivery keeps its state in Postgres, and the reconciler's next pass
   * gives it a new job.
   */
  @OnWorkerEvent('failed')
  onFailed(job: Job<PublishDeliveryJob> | undefined, err: Error): void {
    this.logger.warn({ deliveryId: job?.data.deliveryId, err: err.message }, 'publish job failed; the reconciler will give the delivery a new job');
  }

  async process(job: Job<PublishDeliveryJob>, token?: string): Promise<void> {
    if (job.name !== PUBLISH_DELIVERY) throw new Error(`The publish queue has no processor for job "${job.name}"`);
    const outcome = await this.publisher.handle(job.data);
    if (outcome.kind === 'done') return;
    if (!token) throw new Error('BullMQ gave no job token; cannot delay the job');
    await job.moveToDelayed(outcome.until.getTime(), token);
    // Tells BullMQ the job was moved, not finished.
    throw new DelayedError();
  }
}

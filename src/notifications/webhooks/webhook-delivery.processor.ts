import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { QUEUE_CONFIG, QueueName } from '../../queue/queue-names';
import { PartnerWebhookService } from './partner-webhook.service';
import { DELIVER_WEBHOOK, DeliverWebhookJob } from './webhook-job';

/** Sends partners' webhooks from the worker; BullMQ retries a failed send with backoff. */
@Processor(QueueName.Webhooks, { concurrency: QUEUE_CONFIG[QueueName.Webhooks].concurrency })
export class WebhookDeliveryProcessor extends WorkerHost {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);

  constructor(private readonly webhooks: PartnerWebhookService) {
    super();
  }

  async process(job: Job<DeliverWebhookJob>): Promise<string> {
    if (job.name !== DELIVER_WEBHOOK) throw new Error(`The webhooks queue has no processor for job "${job.name}"`);
    try {
      return await this.webhooks.send(job.data);
    } catch (err) {
      this.logger.warn(`${(err as Error).message} (attempt ${job.attemptsMade + 1})`);
      throw err;
    }
  }
}

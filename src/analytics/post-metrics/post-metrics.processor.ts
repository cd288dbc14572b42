import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUE_CONFIG, QueueName } from '../../queue/queue-names';
import { READ_POST_METRICS, ReadPostMetricsJob } from './post-metrics-job';
import { PostMetricsReader } from './post-metrics-reader.service';

/** Runs per-post figure readings in the worker; the reader records every outcome itself. */
@Processor(QueueName.PostMetrics, { concurrency: QUEUE_CONFIG[QueueName.PostMetrics].concurrency })
export class PostMetricsProcessor extends WorkerHost {
  constructor(private readonly reader: PostMetricsReader) {
    super();
  }

  async process(job: Job<ReadPostMetricsJob>): Promise<void> {
    if (job.name !== READ_POST_METRICS) throw new Error(`The post-metrics queue has no processor for job "${job.name}"`);
    await this.reader.read(job.data);
  }
}

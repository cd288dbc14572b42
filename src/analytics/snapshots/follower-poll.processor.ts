import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUE_CONFIG, QueueName } from '../../queue/queue-names';
import { FollowerPoller } from './follower-poller.service';
import { POLL_FOLLOWERS, PollFollowersJob } from './follower-poll-job';

/** Runs follower polls in the worker; the poller records every outcome itself. */
@Processor(QueueName.Followers, { concurrency: QUEUE_CONFIG[QueueName.Followers].concurrency })
export class FollowerPollProcessor extends WorkerHost {
  constructor(private readonly poller: FollowerPoller) {
    super();
  }

  async process(job: Job<PollFollowersJob>): Promise<void> {
    if (job.name !== POLL_FOLLOWERS) throw new Error(`The followers queue has no processor for job "${job.name}"`);
    await this.poller.poll(job.data);
  }
}

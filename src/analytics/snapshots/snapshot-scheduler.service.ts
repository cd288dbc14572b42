import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueName } from '../../queue/queue-names';
import { POLL_FOLLOWERS, PollFollowersJob, SnapshotSource } from './follower-poll-job';

/**
 * Asks the worker for a follower snapshot of a channel. Used by the channels service when a
 * channel is added, by the campaign-boundary check, and by the scheduled polls.
 */
@Injectable()
export class SnapshotScheduler {
  constructor(@InjectQueue(QueueName.Followers) private readonly queue: Queue<PollFollowersJob>) {}

  /**
   * Enqueues one poll. The job id is deterministic per (channel, source, minute) so a burst of
   * requests, or several workers seeing the same due channel, poll once.
   */
  async requestSnapshot(channelId: string, source: SnapshotSource = 'manual', delayMs = 0, edgeAt?: Date): Promise<void> {
    const minute = Math.floor(Date.now() / 60_000);
    // An edge reading is requested once per (channel, edge), whatever the minute.
    const jobId = edgeAt ? `poll-${channelId}-${source}-edge-${edgeAt.getTime()}` : `poll-${channelId}-${source}-${minute}`;
    await this.queue.add(POLL_FOLLOWERS, { channelId, source, ...(edgeAt ? { edgeAt: edgeAt.toISOString() } : {}) }, {
      jobId,
      delay: Math.max(0, Math.round(delayMs)),
      removeOnComplete: 1000,
      removeOnFail: 1000,
      // Failures are recorded as snapshots by the processor; a throw here is a bug, retried a little.
      attempts: 3,
      backoff: { type: 'exponential', delay: 30_000 },
    });
  }
}

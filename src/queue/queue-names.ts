/** Every BullMQ queue Chorus uses. A queue without settings in QUEUE_CONFIG is a compile error. */
export enum QueueName {
  Publish = 'publish',
  Followers = 'followers',
  PostMetrics = 'post-metrics',
  Webhooks = 'webhooks',
}

export interface QueueSettings {
  /** Jobs processed at once by one worker process (WORKER_CONCURRENCY overrides Publish). */
  concurrency: number;
}

export const QUEUE_CONFIG: Record<QueueName, QueueSettings> = {
  [QueueName.Publish]: { concurrency: 8 },
  [QueueName.Followers]: { concurrency: 4 },
  [QueueName.PostMetrics]: { concurrency: 2 },
  [QueueName.Webhooks]: { concurrency: 4 },
};

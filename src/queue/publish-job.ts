import type { JobsOptions } from 'bullmq';

/** Job name of the publish queue's only job kind. */
export const PUBLISH_DELIVERY = 'publish-delivery';

/** Carries ids, not state: the worker reloads the delivery from Postgres, the source of truth. */
export interface PublishDeliveryJob {
  deliveryId: string;
  /** The post version the delivery was approved at; a job for an older version does nothing. */
  version: number;
  /** The delivery's channel (it never changes), so the worker can line the channel's jobs up and claim without reading first. */
  channelId: string;
}

/**
 * Deterministic job id, so adding the same delivery twice (scheduler + reconciler, two
 * reconcilers) is a no-op. BullMQ 5 refuses ':' in custom ids, hence '.'. `generation` is only
 * set when the reconciler re-enqueues a delivery it recovered from a dead worker, whose old job
 * may still sit in Redis as a stalled active job that cannot be replaced.
 */
export function publishJobId(deliveryId: string, version: number, generation?: number): string {
  return generation === undefined ? `${deliveryId}.v${version}` : `${deliveryId}.v${version}.r${generation}`;
}

/** Completed and failed jobs are removed: Postgres keeps the history, and a removed id can be added again. */
export function publishJobOptions(deliveryId: string, version: number, dueAt: Date, generation?: number): JobsOptions {
  return {
    jobId: publishJobId(deliveryId, version, generation),
    delay: Math.max(0, dueAt.getTime() - Date.now()),
    removeOnComplete: true,
    removeOnFail: true,
    // Retries are decided by the pipeline from the network's answer, not by BullMQ.
    attempts: 1,
  };
}

/** Job of the webhooks queue: one event for one partner's webhook. */
export const DELIVER_WEBHOOK = 'deliver-webhook';

/**
 * The event itself travels in the job (it is a few ids and words, fixed when it happened); the
 * webhook's address and secret are read at delivery time, so a changed or removed webhook wins.
 */
export interface DeliverWebhookJob {
  partnerId: string;
  /** Unique per event and stable across retries: receivers deduplicate with it. */
  eventId: string;
  kind: string;
  payload: Record<string, unknown>;
  occurredAt: string;
}

/** Retries with exponential backoff (30 s, 1 min, 2 min… about 4 h in all), then the event is dropped and logged. */
export const WEBHOOK_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
} as const;

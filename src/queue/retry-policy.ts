import { NetworkError } from '../channels/adapters/network-adapter';

/** Attempts (claims that reached the network) before a transient failure becomes final. */
export const MAX_PUBLISH_ATTEMPTS = 5;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 10 * 60_000;
/** When a network says "too many requests" without saying until when. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * What the pipeline does with a network's answer. Pure, so each error class's handling is
 * unit-tested here; DeliveryPublisher carries it out.
 */
export type FailureDecision =
  /** The network says this exact post already exists: it is published. */
  | { action: 'published_duplicate' }
  /** The request may have been applied: look before anything else. */
  | { action: 'look_then_retry'; retryAt: Date }
  | { action: 'refresh_credentials' }
  | { action: 'needs_reauth'; message: string }
  | { action: 'retry'; retryAt: Date; countsAsAttempt: boolean; delayChannel: boolean }
  | { action: 'fail'; message: string };

export function decide(err: NetworkError, attempts: number, now: Date, context: { canRefresh: boolean; refreshed: boolean }): FailureDecision {
  if (err.options.duplicateOf) return { action: 'published_duplicate' };
  switch (err.kind) {
    case 'rate_limited': {
      const reset = err.options.retryAt?.getTime();
      const at = reset && reset > now.getTime() ? reset : now.getTime() + DEFAULT_RATE_LIMIT_WAIT_MS;
      // A second of margin: networks round their reset times.
      return { action: 'retry', retryAt: new Date(at + 1000), countsAsAttempt: false, delayChannel: true };
    }
    case 'auth':
      if (context.canRefresh && !context.refreshed) return { action: 'refresh_credentials' };
      return { action: 'needs_reauth', message: `${err.message} The post was not published; reconnect the account, then retry it.` };
    case 'content':
      return { action: 'fail', message: err.message };
    case 'transient':
    case 'unknown': {
      if (attempts >= MAX_PUBLISH_ATTEMPTS) {
        return { action: 'fail', message: `${err.message} Gave up after ${attempts} attempts; retry it when the network is back.` };
      }
      const retryAt = new Date(now.getTime() + backoffMs(attempts));
      if (err.options.maybeCommitted) return { action: 'look_then_retry', retryAt };
      return { action: 'retry', retryAt, countsAsAttempt: true, delayChannel: false };
    }
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries of a release spread out. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Anything an adapter throws that is not a NetworkError is a bug or an unexpected answer: we cannot know whether it went out. */
export function asNetworkError(err: unknown): NetworkError {
  if (err instanceof NetworkError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new NetworkError('unknown', `Unexpected error while publishing: ${message}`, { maybeCommitted: true });
}

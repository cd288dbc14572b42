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
  /** The network says this exact post already exists, and names it: it is published. */
  | { action: 'published_duplicate' }
  /**
   * A "duplicate" refusal after an attempt whose answer was lost: that attempt was applied. Find
   * the original and record it; if it cannot be found yet, look again at `retryAt` (never "failed").
   */
  | { action: 'find_original'; retryAt: Date }
  /**
   * The request may have been applied (timeout, reset mid-request, 5xx on the create call). No
   * verdict before the network can have applied it: the delivery is marked uncertain and comes
   * back at `retryAt` (at least the recheck delay later), when it is looked up before anything is
   * sent again, or, on an account whose posts cannot be listed, sent again for the network's
   * duplicate check to answer.
   */
  | { action: 'recheck_later'; retryAt: Date }
  | { action: 'refresh_credentials' }
  | { action: 'needs_reauth'; message: string }
  | { action: 'retry'; retryAt: Date; countsAsAttempt: boolean; delayChannel: boolean }
  | { action: 'fail'; message: string };

export interface DecisionContext {
  canRefresh: boolean;
  refreshed: boolean;
  /** An earlier attempt of this delivery may have been applied (its answer was lost). */
  uncertain?: boolean;
  /** The adapter can list this account's posts (false: LinkedIn member profiles). */
  canList?: boolean;
  /** How long after a lost answer the network is assumed to have finished with the request (ms). */
  recheckMs?: number;
}

/** Default of PUBLISH_RECHECK_MS. */
export const DEFAULT_RECHECK_MS = 120_000;

export function decide(err: NetworkError, attempts: number, now: Date, context: DecisionContext): FailureDecision {
  if (err.options.duplicateOf) return { action: 'published_duplicate' };
  const recheckAt = new Date(now.getTime() + Math.max(context.recheckMs ?? DEFAULT_RECHECK_MS, backoffMs(attempts)));
  // The network's duplicate check is the proof an earlier, unanswered attempt went through.
  if (err.options.duplicate && context.uncertain) return { action: 'find_original', retryAt: recheckAt };
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
      // Whatever the count: the look (or the next answer) after the recheck delay gives the verdict.
      if (err.options.maybeCommitted) return { action: 'recheck_later', retryAt: recheckAt };
      // An earlier attempt may be live and nothing can show it but the network's duplicate answer:
      // keep asking rather than call it failed.
      const unverifiable = context.uncertain === true && context.canList === false;
      if (attempts >= MAX_PUBLISH_ATTEMPTS && !unverifiable) {
        return { action: 'fail', message: `${err.message} Gave up after ${attempts} attempts; retry it when the network is back.` };
      }
      const retryAt = new Date(now.getTime() + backoffMs(attempts));
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

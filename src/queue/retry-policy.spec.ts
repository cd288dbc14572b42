import { NetworkError } from '../channels/adapters/network-adapter';
import { backoffMs, decide, MAX_PUBLISH_ATTEMPTS } from './retry-policy';

const now = new Date('2026-03-01T12:00:00Z');
const noRefresh = { canRefresh: false, refreshed: false };

describe('decide (what each error class does)', () => {
  it('waits for the network reset on rate limits, without using up an attempt, and holds the channel', () => {
    const retryAt = new Date(now.getTime() + 900_000);
    const d = decide(new NetworkError('rate_limited', 'slow down', { retryAt }), 1, now, noRefresh);
    expect(d).toEqual({ action: 'retry', retryAt: new Date(retryAt.getTime() + 1000), countsAsAttempt: false, delayChannel: true });
  });

  it('waits a minute on a rate limit without a reset time', () => {
    const d = decide(new NetworkError('rate_limited', 'slow down'), 1, now, noRefresh);
    expect(d.action === 'retry' && d.retryAt.getTime() - now.getTime()).toBe(61_000);
  });

  it('backs off on transient errors, then gives up after the bounded attempts', () => {
    const d = decide(new NetworkError('transient', '503'), 1, now, noRefresh);
    expect(d.action).toBe('retry');
    const last = decide(new NetworkError('transient', '503'), MAX_PUBLISH_ATTEMPTS, now, noRefresh);
    expect(last.action).toBe('fail');
  });

  it('gives a request that may have been applied the recheck delay before any verdict, whatever the attempt count', () => {
    const lost = new NetworkError('transient', 'timeout', { maybeCommitted: true });
    for (const attempts of [1, MAX_PUBLISH_ATTEMPTS, MAX_PUBLISH_ATTEMPTS + 3]) {
      const d = decide(lost, attempts, now, { ...noRefresh, recheckMs: 300_000 });
      expect(d.action).toBe('recheck_later');
      expect(d.action === 'recheck_later' && d.retryAt.getTime() - now.getTime()).toBeGreaterThanOrEqual(300_000);
    }
  });

  it('reads a duplicate refusal after a lost answer as published (find the original), and as a refusal otherwise', () => {
    const dup = new NetworkError('content', 'already posted', { duplicate: true });
    expect(decide(dup, 2, now, { ...noRefresh, uncertain: true }).action).toBe('find_original');
    expect(decide(dup, 1, now, noRefresh)).toEqual({ action: 'fail', message: 'already posted' });
  });

  it('never gives up on an account it cannot list while an earlier attempt may be live', () => {
    const down = new NetworkError('transient', '503');
    expect(decide(down, MAX_PUBLISH_ATTEMPTS + 1, now, { ...noRefresh, uncertain: true, canList: false }).action).toBe('retry');
    expect(decide(down, MAX_PUBLISH_ATTEMPTS, now, { ...noRefresh, uncertain: true, canList: true }).action).toBe('fail');
    expect(decide(down, MAX_PUBLISH_ATTEMPTS, now, { ...noRefresh, uncertain: false, canList: false }).action).toBe('fail');
  });

  it('refreshes credentials once when the adapter can, else asks for re-authorisation', () => {
    const err = new NetworkError('auth', 'expired');
    expect(decide(err, 1, now, { canRefresh: true, refreshed: false }).action).toBe('refresh_credentials');
    expect(decide(err, 1, now, { canRefresh: true, refreshed: true }).action).toBe('needs_reauth');
    expect(decide(err, 1, now, noRefresh).action).toBe('needs_reauth');
  });

  it('fails content errors at once, and treats a duplicate with its original as published', () => {
    expect(decide(new NetworkError('content', 'too long'), 1, now, noRefresh)).toEqual({ action: 'fail', message: 'too long' });
    const duplicateOf = { externalId: '1', url: null, publishedAt: now };
    expect(decide(new NetworkError('content', 'dup', { duplicateOf }), 1, now, noRefresh).action).toBe('published_duplicate');
  });

  it('grows the backoff exponentially with jitter', () => {
    expect(backoffMs(1, () => 0)).toBe(1000);
    expect(backoffMs(1, () => 1)).toBe(2000);
    expect(backoffMs(3, () => 0)).toBe(4000);
    expect(backoffMs(30, () => 1)).toBe(600_000);
  });
});

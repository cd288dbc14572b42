import type { DeliveryStatus } from '../campaigns/deliveries/delivery.entity';
import { derivePostStatus } from './post-status';

const submitted = { submittedAt: new Date('2026-01-01T10:00:00Z'), cancelledAt: null };
const of = (...statuses: DeliveryStatus[]) => statuses.map((status) => ({ status }));

describe('derivePostStatus', () => {
  it('is draft until submitted', () => {
    expect(derivePostStatus({ submittedAt: null, cancelledAt: null }, of('pending_approval'))).toBe('draft');
    expect(derivePostStatus(submitted, [])).toBe('draft');
  });

  it('awaits approval while any delivery waits for its partner', () => {
    expect(derivePostStatus(submitted, of('pending_approval', 'queued'))).toBe('awaiting_approval');
  });

  it('is scheduled when every delivery is approved and waiting for its minute', () => {
    expect(derivePostStatus(submitted, of('approved', 'queued'))).toBe('scheduled');
  });

  it('is publishing while a delivery is being sent or the release is half done', () => {
    expect(derivePostStatus(submitted, of('publishing', 'queued'))).toBe('publishing');
    expect(derivePostStatus(submitted, of('published', 'queued'))).toBe('publishing');
  });

  it('is published, partially published or failed once every delivery is settled', () => {
    expect(derivePostStatus(submitted, of('published', 'published'))).toBe('published');
    expect(derivePostStatus(submitted, of('published', 'cancelled'))).toBe('published');
    expect(derivePostStatus(submitted, of('published', 'failed'))).toBe('partially_published');
    expect(derivePostStatus(submitted, of('published', 'skipped'))).toBe('partially_published');
    expect(derivePostStatus(submitted, of('failed', 'skipped'))).toBe('failed');
  });

  it('is cancelled when cancelled before anything went out', () => {
    const cancelled = { ...submitted, cancelledAt: new Date() };
    expect(derivePostStatus(cancelled, of('cancelled', 'cancelled'))).toBe('cancelled');
    expect(derivePostStatus(cancelled, of('published', 'cancelled'))).toBe('partially_published');
  });
});

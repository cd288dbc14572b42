import { derivePostStatus } from './post-status';

const submitted = { submittedAt: new Date('2026-01-01T00:00:00Z'), cancelledAt: null };

describe('derivePostStatus', () => {
  it.each([
    [{ submittedAt: null, cancelledAt: null }, ['pending_approval'], 'draft'],
    [{ submittedAt: new Date(), cancelledAt: new Date() }, ['queued'], 'cancelled'],
    [submitted, ['pending_approval', 'pending_approval'], 'awaiting_approval'],
    [submitted, ['pending_approval', 'queued'], 'scheduled'],
    [submitted, ['approved', 'queued'], 'scheduled'],
    [submitted, ['queued', 'publishing'], 'publishing'],
    [submitted, ['published', 'published', 'cancelled'], 'published'],
    [submitted, ['published', 'failed'], 'partially_published'],
    [submitted, ['published', 'skipped'], 'partially_published'],
    [submitted, ['failed', 'skipped'], 'failed'],
    [submitted, ['cancelled', 'cancelled'], 'cancelled'],
    [submitted, ['published', 'pending_approval'], 'scheduled'],
  ] as const)('%o with %p is %s', (post, deliveries, expected) => {
    expect(derivePostStatus(post, deliveries)).toBe(expected);
  });
});

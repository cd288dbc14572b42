import type { DeliveryStatus } from '../campaigns/deliveries/delivery.entity';

export const POST_STATUSES = [
  'draft', 'awaiting_approval', 'scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled',
] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

/**
 * A post's status is never stored: it is the sum of its deliveries (DESIGN.md, Publish).
 * - cancelled: the manager cancelled it;
 * - draft: not submitted for approval yet;
 * - publishing: some delivery is going out now;
 * - awaiting_approval: some delivery waits for its partner and none is ready to go;
 * - scheduled: deliveries wait for their minute;
 * - once every delivery is final: published (all went out), partially_published (some did), failed (none did).
 */
export function derivePostStatus(post: { submittedAt: Date | null; cancelledAt: Date | null }, deliveries: readonly DeliveryStatus[]): PostStatus {
  if (post.cancelledAt) return 'cancelled';
  if (!post.submittedAt) return 'draft';
  const live = deliveries.filter((s) => s !== 'cancelled');
  if (live.length === 0) return 'cancelled';
  if (live.includes('publishing')) return 'publishing';
  const waiting = live.filter((s) => s === 'pending_approval' || s === 'approved' || s === 'queued');
  if (waiting.length) {
    return waiting.every((s) => s === 'pending_approval') && !live.includes('published') ? 'awaiting_approval' : 'scheduled';
  }
  const published = live.filter((s) => s === 'published').length;
  if (published === live.length) return 'published';
  return published > 0 ? 'partially_published' : 'failed';
}

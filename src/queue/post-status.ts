import type { DeliveryStatus } from '../campaigns/deliveries/delivery.entity';

export const POST_STATUSES = [
  'draft', 'awaiting_approval', 'scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled',
] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

/**
 * A post's status is never stored: it is read from its deliveries (Postgres' truth), so it cannot
 * drift from what actually went out.
 */
export function derivePostStatus(
  post: { submittedAt: Date | null; cancelledAt: Date | null },
  deliveries: ReadonlyArray<DeliveryStatus | { status: DeliveryStatus }>,
): PostStatus {
  const all = deliveries.map((d) => (typeof d === 'string' ? d : d.status));
  const count = (...statuses: DeliveryStatus[]) => all.filter((s) => statuses.includes(s)).length;
  const published = count('published');
  const unsuccessful = count('failed', 'skipped');
  const inFlight = count('publishing');
  const waiting = count('approved', 'queued');
  const pending = count('pending_approval');

  if (post.cancelledAt) return published > 0 ? 'partially_published' : 'cancelled';
  if (!post.submittedAt || deliveries.length === 0) return 'draft';
  // Some went out (or failed) and others are still on their way: the release is under way.
  if (inFlight > 0 || ((waiting > 0 || pending > 0) && published + unsuccessful > 0)) return 'publishing';
  if (pending > 0) return 'awaiting_approval';
  if (waiting > 0) return 'scheduled';
  if (published > 0) return unsuccessful > 0 ? 'partially_published' : 'published';
  if (unsuccessful > 0) return 'failed';
  return 'cancelled';
}

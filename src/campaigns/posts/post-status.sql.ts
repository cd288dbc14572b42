/**
 * A post's status is never stored: it is summed from its deliveries (Postgres' truth) by this one
 * SQL expression over the alias `p` (posts), used by the API and the pages alike.
 *
 * - draft: not submitted yet (or no delivery);
 * - rejected: a partner rejected the current version and nothing has gone out — back to the manager;
 * - awaiting_approval: some delivery still waits for its partner;
 * - scheduled: every delivery is approved and waits for its minute;
 * - publishing: a delivery is being sent, or the release is half done;
 * - published / partially_published / failed: once every delivery is settled;
 * - cancelled: cancelled before anything went out (after, it is partially_published).
 */
export const POST_STATUSES = [
  'draft', 'rejected', 'awaiting_approval', 'scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled',
] as const;
export type PostStatus = (typeof POST_STATUSES)[number];

export const POST_STATUS_SQL = `(
  SELECT CASE
    WHEN p.cancelled_at IS NOT NULL THEN
      CASE WHEN count(*) FILTER (WHERE d.status = 'published') > 0 THEN 'partially_published' ELSE 'cancelled' END
    WHEN p.submitted_at IS NULL OR count(*) = 0 THEN 'draft'
    WHEN count(*) FILTER (WHERE d.status = 'publishing') > 0 THEN 'publishing'
    WHEN count(*) FILTER (WHERE d.status <> 'cancelled') = 0 THEN 'cancelled'
    WHEN count(*) FILTER (WHERE d.status IN ('pending_approval', 'approved')) = 0 THEN
      CASE
        WHEN count(*) FILTER (WHERE d.status = 'published') = count(*) FILTER (WHERE d.status <> 'cancelled') THEN 'published'
        WHEN count(*) FILTER (WHERE d.status = 'published') > 0 THEN 'partially_published'
        ELSE 'failed'
      END
    WHEN count(*) FILTER (WHERE d.status IN ('published', 'failed', 'skipped')) > 0 THEN 'publishing'
    WHEN EXISTS (SELECT 1 FROM approvals a WHERE a.post_id = p.id AND a.post_version = p.version AND a.decision = 'rejected' AND a.superseded_at IS NULL) THEN 'rejected'
    WHEN count(*) FILTER (WHERE d.status = 'pending_approval') > 0 THEN 'awaiting_approval'
    ELSE 'scheduled'
  END
  FROM deliveries d WHERE d.post_id = p.id
)`;

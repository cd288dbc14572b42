/**
 * A post's status for the pages, summed from its deliveries (DESIGN.md flow 4), as one SQL
 * expression over the alias `p` (posts). Kept here, beside the pages that colour by it.
 *
 * draft: not yet submitted · rejected: a partner rejected the current version ·
 * awaiting_approval: some delivery still waits for its partner · scheduled: all approved, not out yet ·
 * published / partially_published / failed: once every delivery has ended.
 */
export const POST_STATUSES = [
  'draft',
  'awaiting_approval',
  'rejected',
  'scheduled',
  'published',
  'partially_published',
  'failed',
  'cancelled',
] as const;
export type PagePostStatus = (typeof POST_STATUSES)[number];

export const POST_STATUS_SQL = `(
  SELECT CASE
    WHEN p.cancelled_at IS NOT NULL THEN 'cancelled'
    WHEN p.submitted_at IS NULL THEN 'draft'
    WHEN EXISTS (SELECT 1 FROM approvals a WHERE a.post_id = p.id AND a.post_version = p.version AND a.decision = 'rejected') THEN 'rejected'
    WHEN count(*) FILTER (WHERE d.status <> 'cancelled') = 0 THEN 'cancelled'
    WHEN count(*) FILTER (WHERE d.status = 'published') = count(*) FILTER (WHERE d.status <> 'cancelled') THEN 'published'
    WHEN count(*) FILTER (WHERE d.status IN ('pending_approval', 'approved', 'queued', 'publishing')) = 0
      THEN CASE WHEN count(*) FILTER (WHERE d.status = 'published') > 0 THEN 'partially_published' ELSE 'failed' END
    WHEN count(*) FILTER (WHERE d.status = 'pending_approval') > 0 THEN 'awaiting_approval'
    ELSE 'scheduled'
  END
  FROM deliveries d WHERE d.post_id = p.id
)`;

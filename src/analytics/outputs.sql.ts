/**
 * Output indicators (issue 21): how far the campaign's posts went, from each published delivery's
 * latest reading of its network's figures (post_metrics_latest, one row per published delivery). Kept together, like indicators.sql.ts;
 * plans checked by bench/indicators.
 *
 * Conventions:
 * - A post counts in a window when its delivery was published in it (published_at in (from, to]),
 *   with its latest figures (read up to the last configured age, 28 days by default).
 * - A figure a network did not give is NULL. Sums skip NULLs, and each sum comes with how many
 *   deliveries gave that figure, so "not available" survives every roll-up (a sum over deliveries
 *   that all lack it is NULL, not 0).
 * - Engagements of a delivery = likes + reposts + replies + quotes among those given; NULL when none
 *   is given. Engagement rate = engagements / views over the deliveries that gave both.
 */

/** Engagements of one post_metrics_latest row `m`. */
const ENGAGEMENTS = `CASE WHEN m.likes IS NULL AND m.reposts IS NULL AND m.replies IS NULL AND m.quotes IS NULL THEN NULL
       ELSE coalesce(m.likes, 0) + coalesce(m.reposts, 0) + coalesce(m.replies, 0) + coalesce(m.quotes, 0) END`;

export const OUTPUT_LEVELS = ['campaign', 'track', 'partner', 'network', 'channel', 'post'] as const;
export type OutputLevel = (typeof OUTPUT_LEVELS)[number];

const KEY_OF: Record<OutputLevel, string> = {
  campaign: `NULL::text`,
  track: `m.track_id::text`,
  partner: `m.partner_id::text`,
  network: `m.network`,
  channel: `m.channel_id::text`,
  post: `m.post_id::text`,
};

/**
 * Output figures grouped at one level (one row per track, partner…; one row for the campaign), from
 * post_metrics_latest alone (one row per published delivery). Summed per (group, post) first, then
 * per group: posts are counted without a count(DISTINCT …) sort. Tracked-link clicks come from
 * their own counters, per group. $1 campaign, $2 from, $3 to.
 */
export function outputsSql(level: OutputLevel): string {
  if (level === 'campaign' || level === 'track' || level === 'post') return perPostOutputsSql(level);
  return `
WITH per_post AS (
  SELECT ${KEY_OF[level]} AS key, m.post_id,
         count(*) AS deliveries, count(m.taken_at) AS deliveries_read,
         sum(m.views) AS views, count(m.views) AS views_n,
         sum(m.reach) AS reach, count(m.reach) AS reach_n,
         sum(m.likes) AS likes, count(m.likes) AS likes_n,
         sum(m.reposts) AS reposts, count(m.reposts) AS reposts_n,
         sum(m.replies) AS replies, count(m.replies) AS replies_n,
         sum(m.quotes) AS quotes, count(m.quotes) AS quotes_n,
         sum(m.saves) AS saves, count(m.saves) AS saves_n,
         sum(m.video_views) AS video_views, count(m.video_views) AS video_views_n,
         sum(m.link_clicks) AS network_clicks, count(m.link_clicks) AS network_clicks_n,
         sum(${ENGAGEMENTS}) AS engagements, count(${ENGAGEMENTS}) AS engagements_n,
         sum(${ENGAGEMENTS}) FILTER (WHERE m.views IS NOT NULL) AS rate_engagements,
         sum(m.views) FILTER (WHERE ${ENGAGEMENTS} IS NOT NULL) AS rate_views,
         max(m.taken_at) AS last_read_at
    FROM post_metrics_latest m
   WHERE m.campaign_id = $1 AND m.published_at > $2::timestamptz AND m.published_at <= $3::timestamptz
   GROUP BY 1, 2
),
groups AS (
  SELECT key,
         sum(deliveries)::int AS deliveries, count(*)::int AS posts, sum(deliveries_read)::int AS deliveries_read,
         sum(views)::bigint AS views, sum(views_n)::int AS views_n,
         sum(reach)::bigint AS reach, sum(reach_n)::int AS reach_n,
         sum(likes)::bigint AS likes, sum(likes_n)::int AS likes_n,
         sum(reposts)::bigint AS reposts, sum(reposts_n)::int AS reposts_n,
         sum(replies)::bigint AS replies, sum(replies_n)::int AS replies_n,
         sum(quotes)::bigint AS quotes, sum(quotes_n)::int AS quotes_n,
         sum(saves)::bigint AS saves, sum(saves_n)::int AS saves_n,
         sum(video_views)::bigint AS video_views, sum(video_views_n)::int AS video_views_n,
         sum(network_clicks)::bigint AS network_clicks, sum(network_clicks_n)::int AS network_clicks_n,
         sum(engagements)::bigint AS engagements, sum(engagements_n)::int AS engagements_n,
         sum(rate_engagements)::bigint AS rate_engagements, sum(rate_views)::bigint AS rate_views,
         max(last_read_at) AS last_read_at
    FROM per_post GROUP BY key
),
clicks AS (
  SELECT ${KEY_OF[level]} AS key, sum(lc.clicks)::bigint AS clicks
    FROM link_clicks lc
    JOIN tracked_links l ON l.id = lc.link_id
    JOIN post_metrics_latest m ON m.delivery_id = l.delivery_id
   WHERE m.campaign_id = $1 AND m.published_at > $2::timestamptz AND m.published_at <= $3::timestamptz
   GROUP BY 1
)
SELECT g.*, coalesce(c.clicks, 0)::bigint AS tracked_clicks
  FROM groups g LEFT JOIN clicks c ON c.key IS NOT DISTINCT FROM g.key
 ORDER BY g.key`;
}

const FIGURE_COLUMNS = ['views', 'reach', 'likes', 'reposts', 'replies', 'quotes', 'saves', 'video_views', 'network_clicks', 'engagements'];

/**
 * The same figures for the levels a post belongs to whole (campaign, track, post), from the per-post
 * sums of post_output_totals: a campaign's posts rather than its deliveries (about five times fewer
 * rows). A post counts in the window by its first publication. $1 campaign, $2 from, $3 to.
 */
function perPostOutputsSql(level: 'campaign' | 'track' | 'post'): string {
  const key = level === 'campaign' ? 'NULL::text' : level === 'track' ? 'o.track_id::text' : 'o.post_id::text';
  return `
WITH groups AS (
  SELECT ${key} AS key,
         sum(o.deliveries)::int AS deliveries, count(*)::int AS posts, sum(o.deliveries_read)::int AS deliveries_read,
         ${FIGURE_COLUMNS.map((f) => `sum(o.${f})::bigint AS ${f}, sum(o.${f}_n)::int AS ${f}_n`).join(',\n         ')},
         sum(o.rate_engagements)::bigint AS rate_engagements, sum(o.rate_views)::bigint AS rate_views,
         max(o.last_read_at) AS last_read_at,
         sum(o.tracked_clicks)::bigint AS tracked_clicks
    FROM post_output_totals o
   WHERE o.campaign_id = $1 AND o.published_at > $2::timestamptz AND o.published_at <= $3::timestamptz
   GROUP BY 1
)
SELECT g.* FROM groups g
 ORDER BY g.key`;
}

/**
 * Reciprocal visibility: views that posts featuring partner F got on the accounts of other partners
 * P ≠ F (the reciprocity matrix weighted by views). $1 campaign, $2 from, $3 to.
 */
export const RECIPROCAL_VIEWS_SQL = `
SELECT f.partner_id AS featured_id, m.partner_id AS publisher_id,
       count(*)::int AS deliveries, sum(m.views)::bigint AS views, count(m.views)::int AS views_n
  FROM post_metrics_latest m
  JOIN post_featured_partners f ON f.post_id = m.post_id AND f.partner_id <> m.partner_id
 WHERE m.campaign_id = $1 AND m.published_at > $2::timestamptz AND m.published_at <= $3::timestamptz
 GROUP BY f.partner_id, m.partner_id
`;

/**
 * The campaign's posts that went furthest in the window: views summed over their deliveries, then
 * engagements (post_output_totals). Posts with no reading yet are not ranked. $1 campaign, $2 from,
 * $3 to, $4 how many.
 */
export const TOP_POSTS_SQL = `
SELECT o.post_id, o.deliveries_read, o.views, o.views_n, o.engagements, o.engagements_n, o.published_at, o.last_read_at
  FROM post_output_totals o
 WHERE o.campaign_id = $1 AND o.published_at > $2::timestamptz AND o.published_at <= $3::timestamptz AND o.deliveries_read > 0
 ORDER BY o.views DESC NULLS LAST, o.engagements DESC NULLS LAST, o.post_id
 LIMIT $4
`;

/**
 * Readings due: published deliveries that reached one of the ages ($1 labels, $2 minutes) and have
 * no reading for it (or only failed ones whose retry time passed), published less than $3 minutes
 * ago; at most $5 per channel and $4 in all, oldest due first.
 */
export const POST_METRICS_DUE_SQL = `
WITH due AS (
  SELECT d.id AS delivery_id, d.channel_id, a.age, d.published_at + make_interval(mins => a.minutes) AS due_at
    FROM deliveries d
   CROSS JOIN unnest($1::text[], $2::int[]) AS a(age, minutes)
   WHERE d.status = 'published' AND d.external_id IS NOT NULL
     AND d.published_at > now() - make_interval(mins => $3::int)
     AND d.published_at <= now() - make_interval(mins => a.minutes)
     AND NOT EXISTS (
       SELECT 1 FROM post_metric_snapshots s
        WHERE s.delivery_id = d.id AND s.age = a.age AND (s.outcome <> 'failed' OR s.retry_at > now()))
),
ranked AS (
  SELECT due.*, row_number() OVER (PARTITION BY channel_id ORDER BY due_at) AS rank_in_channel FROM due
)
SELECT delivery_id, age FROM ranked WHERE rank_in_channel <= $5 ORDER BY due_at LIMIT $4
`;

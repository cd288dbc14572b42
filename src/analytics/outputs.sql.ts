/**
 * Output indicators (issue 21): how far the campaign's posts went, from each delivery's latest
 * reading of its network's figures (post_metrics_latest). Kept together, like indicators.sql.ts;
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

/** The aggregates every level shares, over rows of `d` (one per delivery). */
const FIGURES = `
       count(*)::int                                   AS deliveries,
       count(DISTINCT d.post_id)::int                  AS posts,
       count(d.taken_at)::int                          AS deliveries_read,
       sum(d.views)::bigint AS views,             count(d.views)::int AS views_n,
       sum(d.reach)::bigint AS reach,             count(d.reach)::int AS reach_n,
       sum(d.likes)::bigint AS likes,             count(d.likes)::int AS likes_n,
       sum(d.reposts)::bigint AS reposts,         count(d.reposts)::int AS reposts_n,
       sum(d.replies)::bigint AS replies,         count(d.replies)::int AS replies_n,
       sum(d.quotes)::bigint AS quotes,           count(d.quotes)::int AS quotes_n,
       sum(d.saves)::bigint AS saves,             count(d.saves)::int AS saves_n,
       sum(d.video_views)::bigint AS video_views, count(d.video_views)::int AS video_views_n,
       sum(d.link_clicks)::bigint AS network_clicks, count(d.link_clicks)::int AS network_clicks_n,
       sum(d.engagements)::bigint AS engagements, count(d.engagements)::int AS engagements_n,
       sum(d.engagements) FILTER (WHERE d.views IS NOT NULL)::bigint AS rate_engagements,
       sum(d.views) FILTER (WHERE d.engagements IS NOT NULL)::bigint AS rate_views,
       max(d.taken_at) AS last_read_at`;

/** One row per published delivery of the campaign in the window, with its latest figures. $1 campaign, $2 from, $3 to. */
const DELIVERIES_WITH_FIGURES = `
  SELECT dl.id AS delivery_id, dl.post_id, dl.channel_id, ch.partner_id, ch.network, p.track_id,
         m.taken_at, m.views, m.reach, m.likes, m.reposts, m.replies, m.quotes, m.saves, m.video_views, m.link_clicks,
         ${ENGAGEMENTS} AS engagements
    FROM posts p
    JOIN deliveries dl ON dl.post_id = p.id AND dl.status = 'published'
    JOIN channels ch ON ch.id = dl.channel_id
    LEFT JOIN post_metrics_latest m ON m.delivery_id = dl.id
   WHERE p.campaign_id = $1 AND dl.published_at > $2::timestamptz AND dl.published_at <= $3::timestamptz`;

export const OUTPUT_LEVELS = ['campaign', 'track', 'partner', 'network', 'channel', 'post'] as const;
export type OutputLevel = (typeof OUTPUT_LEVELS)[number];

const KEY_OF: Record<OutputLevel, string> = {
  campaign: `NULL::text`,
  track: `d.track_id::text`,
  partner: `d.partner_id::text`,
  network: `d.network`,
  channel: `d.channel_id::text`,
  post: `d.post_id::text`,
};

/**
 * Output figures grouped at one level (one row per track, partner…; one row for the campaign).
 * Tracked-link clicks are summed per group from their own counters. $1 campaign, $2 from, $3 to.
 */
export function outputsSql(level: OutputLevel): string {
  return `
WITH d AS (${DELIVERIES_WITH_FIGURES}),
clicks AS (
  SELECT l.delivery_id, sum(lc.clicks)::bigint AS clicks
    FROM tracked_links l JOIN link_clicks lc ON lc.link_id = l.id
   WHERE l.delivery_id IN (SELECT delivery_id FROM d)
   GROUP BY l.delivery_id
)
SELECT ${KEY_OF[level]} AS key, ${FIGURES},
       coalesce(sum(c.clicks), 0)::bigint AS tracked_clicks
  FROM d LEFT JOIN clicks c ON c.delivery_id = d.delivery_id
 GROUP BY 1
 ORDER BY 1`;
}

/**
 * Reciprocal visibility: views that posts featuring partner F got on the accounts of other partners
 * P ≠ F (the reciprocity matrix weighted by views). $1 campaign, $2 from, $3 to.
 */
export const RECIPROCAL_VIEWS_SQL = `
SELECT f.partner_id AS featured_id, ch.partner_id AS publisher_id,
       count(*)::int AS deliveries, sum(m.views)::bigint AS views, count(m.views)::int AS views_n
  FROM posts p
  JOIN deliveries dl ON dl.post_id = p.id AND dl.status = 'published'
  JOIN channels ch ON ch.id = dl.channel_id
  JOIN post_featured_partners f ON f.post_id = p.id AND f.partner_id <> ch.partner_id
  LEFT JOIN post_metrics_latest m ON m.delivery_id = dl.id
 WHERE p.campaign_id = $1 AND dl.published_at > $2::timestamptz AND dl.published_at <= $3::timestamptz
 GROUP BY f.partner_id, ch.partner_id
`;

/**
 * The campaign's posts that went furthest in the window: views summed over their deliveries, then
 * engagements. Posts with no reading yet are not ranked. $1 campaign, $2 from, $3 to, $4 how many.
 */
export const TOP_POSTS_SQL = `
SELECT m.post_id,
       count(*)::int AS deliveries_read,
       sum(m.views)::bigint AS views, count(m.views)::int AS views_n,
       sum(${ENGAGEMENTS})::bigint AS engagements, count(${ENGAGEMENTS})::int AS engagements_n,
       min(m.published_at) AS published_at, max(m.taken_at) AS last_read_at
  FROM post_metrics_latest m
 WHERE m.campaign_id = $1 AND m.published_at > $2::timestamptz AND m.published_at <= $3::timestamptz
 GROUP BY m.post_id
 ORDER BY sum(m.views) DESC NULLS LAST, sum(${ENGAGEMENTS}) DESC NULLS LAST, m.post_id
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

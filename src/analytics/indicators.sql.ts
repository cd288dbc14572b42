/**
 * Every analytics query, in one file so a reviewer sees them together. Their plans are checked by
 * bench/indicators (index use printed with each timing).
 *
 * Conventions:
 * - A "reading" is a snapshot with outcome = 'count'. Failed polls and "not available" answers are
 *   never turned into numbers.
 * - Followers at an instant T = the last reading at or before T (LATERAL … ORDER BY taken_at DESC
 *   LIMIT 1 on the primary key (channel_id, taken_at) INCLUDE (followers, outcome): one index probe),
 *   except at an edge that had a reading taken for it (edge_at = T: a campaign's start or end, read
 *   a moment after the instant): that reading is the edge's figure, for every window with that edge.
 * - Windows are half-open on the left in spirit but read "at or before": the reading that gives the
 *   end of day D is also the one that gives the start of day D + 1.
 * - The baseline trend is a least-squares line (regr_slope) through the channel's daily points
 *   (last reading of each Europe/Paris day, table follower_daily_points) inside the campaign's
 *   baseline window; x is in days, so the slope reads "followers per day". The fit's residual sum
 *   of squares and spread of x (regr_sxx) give the lift's standard error (lift_se, see
 *   src/analytics/indicators/lift-interval.ts for the formula and the 95 % interval).
 */

/**
 * One row per channel of the campaign's member partners.
 * $1 campaign id, $2 window start, $3 window end (clamped to now() here).
 */
export const CHANNEL_INDICATORS_SQL = `
WITH camp AS (
  SELECT id, baseline_starts_at, baseline_ends_at,
         $2::timestamptz AS w_from,
         $3::timestamptz AS w_end,
         LEAST($3::timestamptz, now()) AS w_to
    FROM campaigns WHERE id = $1
),
chan AS (
  SELECT ch.id AS channel_id, ch.partner_id, p.slug AS partner_slug, p.name AS partner_name,
         ch.network, ch.handle, ch.status AS channel_status, ch.created_at AS channel_created_at
    FROM campaign_partners cp
    JOIN partners p ON p.id = cp.partner_id
    JOIN channels ch ON ch.partner_id = cp.partner_id
   WHERE cp.campaign_id = $1
),
per_channel AS (
  SELECT chan.*,
         camp.w_from, camp.w_to,
         coalesce(start_edge.followers, before_start.followers, first_in_window.followers) AS start_followers,
         coalesce(start_edge.taken_at, before_start.taken_at, first_in_window.taken_at)    AS start_taken_at,
         CASE WHEN start_edge.taken_at IS NOT NULL THEN 'edge_reading'
              WHEN before_start.taken_at IS NOT NULL THEN 'last_at_or_before_start'
              WHEN first_in_window.taken_at IS NOT NULL THEN 'first_in_window'
         END AS start_basis,
         coalesce(end_edge.followers, at_end.followers) AS end_followers,
         coalesce(end_edge.taken_at, at_end.taken_at)   AS end_taken_at,
         CASE WHEN end_edge.taken_at IS NOT NULL THEN 'edge_reading'
              WHEN at_end.taken_at IS NOT NULL THEN 'last_at_or_before_end'
         END AS end_basis,
         base.points       AS baseline_points,
         base.slope        AS baseline_slope_per_day,
         base.sxx          AS baseline_sxx,
         base.sse          AS baseline_sse,
         base.first_at     AS baseline_first_at,
         base.last_at      AS baseline_last_at,
         last_state.outcome AS last_answer,
         failures.n        AS failed_polls
    FROM chan CROSS JOIN camp
    -- The reading taken for the start edge (the campaign's start snapshot), when there is one.
    LEFT JOIN LATERAL (
      SELECT s.followers, s.taken_at FROM follower_snapshots s
       WHERE s.channel_id = chan.channel_id AND s.edge_at = camp.w_from AND s.outcome = 'count'
       ORDER BY s.taken_at ASC LIMIT 1
    ) start_edge ON true
    LEFT JOIN LATERAL (
      SELECT s.followers, s.taken_at FROM follower_snapshots s
       WHERE start_edge.taken_at IS NULL
         AND s.channel_id = chan.channel_id AND s.taken_at <= camp.w_from AND s.outcome = 'count'
       ORDER BY s.taken_at DESC LIMIT 1
    ) before_start ON true
    -- A channel added (or first read) mid-window starts from its first reading in the window.
    LEFT JOIN LATERAL (
      SELECT s.followers, s.taken_at FROM follower_snapshots s
       WHERE start_edge.taken_at IS NULL AND before_start.taken_at IS NULL
         AND s.channel_id = chan.channel_id AND s.taken_at > camp.w_from AND s.taken_at <= camp.w_to
         AND s.outcome = 'count'
       ORDER BY s.taken_at ASC LIMIT 1
    ) first_in_window ON true
    -- The reading taken for the end edge (the campaign's end snapshot), when there is one.
    LEFT JOIN LATERAL (
      SELECT s.followers, s.taken_at FROM follower_snapshots s
       WHERE s.channel_id = chan.channel_id AND s.edge_at = camp.w_end AND s.outcome = 'count'
       ORDER BY s.taken_at ASC LIMIT 1
    ) end_edge ON true
    LEFT JOIN LATERAL (
      SELECT s.followers, s.taken_at FROM follower_snapshots s
       WHERE end_edge.taken_at IS NULL
         AND s.channel_id = chan.channel_id AND s.taken_at <= camp.w_to AND s.outcome = 'count'
       ORDER BY s.taken_at DESC LIMIT 1
    ) at_end ON true
    LEFT JOIN LATERAL (
      SELECT regr_count(d.followers, date_part('epoch', d.taken_at) / 86400.0)::int AS points,
             regr_slope(d.followers, date_part('epoch', d.taken_at) / 86400.0)      AS slope,
             regr_sxx(d.followers, date_part('epoch', d.taken_at) / 86400.0)        AS sxx,
             -- Residual sum of squares of the fitted line: Syy − Sxy² / Sxx.
             regr_syy(d.followers, date_part('epoch', d.taken_at) / 86400.0)
               - coalesce(power(regr_sxy(d.followers, date_part('epoch', d.taken_at) / 86400.0), 2)
                          / nullif(regr_sxx(d.followers, date_part('epoch', d.taken_at) / 86400.0), 0), 0) AS sse,
             min(d.taken_at) AS first_at, max(d.taken_at) AS last_at
        FROM follower_daily_points d
       WHERE d.channel_id = chan.channel_id
         AND d.day BETWEEN (camp.baseline_starts_at AT TIME ZONE 'Europe/Paris')::date
                       AND (camp.baseline_ends_at AT TIME ZONE 'Europe/Paris')::date
         AND d.taken_at BETWEEN camp.baseline_starts_at AND camp.baseline_ends_at
    ) base ON true
    -- The network's latest answer other than a failure: 'not_available' means it cannot give a count.
    LEFT JOIN LATERAL (
      SELECT s.outcome FROM follower_snapshots s
       WHERE s.channel_id = chan.channel_id AND s.taken_at <= camp.w_to AND s.outcome <> 'failed'
       ORDER BY s.taken_at DESC LIMIT 1
    ) last_state ON true
    LEFT JOIN LATERAL (
      SELECT count(*)::int AS n FROM follower_snapshots s
       WHERE s.channel_id = chan.channel_id AND s.outcome = 'failed'
         AND s.taken_at > camp.w_from AND s.taken_at <= camp.w_to
    ) failures ON true
)
SELECT pc.*,
       CASE WHEN pc.start_followers IS NOT NULL AND pc.end_followers IS NOT NULL THEN 'ok'
            WHEN pc.last_answer = 'not_available' THEN 'not_available'
            ELSE 'no_data'
       END AS data_status,
       pc.end_followers - pc.start_followers AS new_followers,
       CASE WHEN pc.start_followers > 0
            THEN (pc.end_followers - pc.start_followers)::numeric * 100 / pc.start_followers
       END AS growth_pct,
       CASE WHEN pc.baseline_slope_per_day IS NOT NULL AND pc.end_taken_at IS NOT NULL
            THEN pc.baseline_slope_per_day
                 * (date_part('epoch', pc.end_taken_at) - date_part('epoch', pc.start_taken_at)) / 86400.0
       END AS expected_growth,
       -- Standard error of the lift (see lift-interval.ts): s² × (2 + Δ² / Sxx), Δ in days.
       CASE WHEN pc.baseline_points >= 3 AND pc.baseline_sxx > 0 AND pc.end_taken_at IS NOT NULL
            THEN sqrt(greatest(pc.baseline_sse, 0) / (pc.baseline_points - 2)
                      * (2 + power((date_part('epoch', pc.end_taken_at) - date_part('epoch', pc.start_taken_at)) / 86400.0, 2)
                             / pc.baseline_sxx))
       END AS lift_se
  FROM per_channel pc
`;

/** Wraps CHANNEL_INDICATORS_SQL with lift, for the per-channel answer. Same parameters. */
export const CHANNEL_INDICATORS_WITH_LIFT_SQL = `
SELECT ci.*, ci.new_followers - ci.expected_growth AS lift
  FROM (${CHANNEL_INDICATORS_SQL}) ci
 ORDER BY ci.partner_slug, ci.network, ci.handle
`;

/**
 * The same figures summed per partner, network, track and for the whole campaign. Sums only use
 * channels with data; expected growth and lift only channels with a baseline trend, and
 * new_followers_with_baseline is the actual growth of exactly those channels (lift compares like
 * with like). Same parameters.
 */
export const ROLLUP_INDICATORS_SQL = `
WITH ci AS (${CHANNEL_INDICATORS_SQL}),
scoped AS (
  SELECT 'campaign'::text AS level, NULL::text AS key, ci.* FROM ci
  UNION ALL SELECT 'partner', ci.partner_id::text, ci.* FROM ci
  UNION ALL SELECT 'network', ci.network, ci.* FROM ci
  UNION ALL
  SELECT 'track', tp.track_id::text, ci.*
    FROM ci JOIN track_partners tp ON tp.partner_id = ci.partner_id
    JOIN tracks t ON t.id = tp.track_id AND t.campaign_id = $1
)
SELECT level, key,
       count(*)::int                                                      AS channels,
       count(*) FILTER (WHERE data_status = 'ok')::int                    AS channels_with_data,
       count(*) FILTER (WHERE data_status = 'not_available')::int         AS channels_not_available,
       count(*) FILTER (WHERE data_status = 'no_data')::int               AS channels_without_data,
       count(*) FILTER (WHERE start_basis = 'first_in_window')::int       AS channels_started_in_window,
       sum(start_followers) FILTER (WHERE data_status = 'ok')::bigint     AS start_followers,
       sum(end_followers) FILTER (WHERE data_status = 'ok')::bigint       AS end_followers,
       sum(new_followers) FILTER (WHERE data_status = 'ok')::bigint       AS new_followers,
       CASE WHEN sum(start_followers) FILTER (WHERE data_status = 'ok') > 0
            THEN sum(new_followers) FILTER (WHERE data_status = 'ok')::numeric * 100
                 / sum(start_followers) FILTER (WHERE data_status = 'ok')
       END                                                                AS growth_pct,
       count(*) FILTER (WHERE expected_growth IS NOT NULL)::int           AS channels_with_baseline,
       sum(baseline_points) FILTER (WHERE expected_growth IS NOT NULL)::int AS baseline_points,
       sum(new_followers) FILTER (WHERE expected_growth IS NOT NULL)::bigint AS new_followers_with_baseline,
       sum(expected_growth)                                               AS expected_growth,
       sum(new_followers - expected_growth)                               AS lift,
       -- Channels' lifts are summed, so their variances add (channels taken as independent).
       CASE WHEN count(*) FILTER (WHERE expected_growth IS NOT NULL)
                 = count(*) FILTER (WHERE expected_growth IS NOT NULL AND lift_se IS NOT NULL)
            THEN sqrt(sum(power(lift_se, 2)) FILTER (WHERE expected_growth IS NOT NULL))
       END                                                                AS lift_se,
       min(baseline_points - 2) FILTER (WHERE lift_se IS NOT NULL)::int   AS lift_df,
       sum(failed_polls)::int                                             AS failed_polls
  FROM scoped
 GROUP BY level, key
 ORDER BY level, key
`;

/**
 * Daily series for charts: for each channel and each day of the window in the campaign's time
 * zone, the last reading at or before the end of that day (or now, for today), with its time so a
 * chart can show a carried-forward value as such, and the change from the previous day. One index
 * probe per channel and day. $1 channel ids (uuid[]), $2 window start, $3 window end, $4 time zone.
 */
export const DAILY_SERIES_SQL = `
WITH days AS (
  SELECT d::date AS day,
         (d::date)::timestamp AT TIME ZONE $4 AS day_start,
         LEAST(((d::date + 1)::timestamp AT TIME ZONE $4), $3::timestamptz, now()) AS day_end
    FROM generate_series(($2::timestamptz AT TIME ZONE $4)::date,
                         ((LEAST($3::timestamptz, now()) - interval '1 microsecond') AT TIME ZONE $4)::date,
                         interval '1 day') AS d
)
SELECT ch.channel_id, days.day, r.followers, r.taken_at,
       (r.taken_at IS NOT NULL AND r.taken_at < days.day_start) AS carried_forward,
       r.followers - lag(r.followers) OVER (PARTITION BY ch.channel_id ORDER BY days.day) AS change
  FROM unnest($1::uuid[]) AS ch(channel_id)
 CROSS JOIN days
  LEFT JOIN LATERAL (
    SELECT s.followers, s.taken_at FROM follower_snapshots s
     WHERE s.channel_id = ch.channel_id AND s.taken_at <= days.day_end AND s.outcome = 'count'
     ORDER BY s.taken_at DESC LIMIT 1
  ) r ON true
 WHERE days.day_start < days.day_end
 ORDER BY ch.channel_id, days.day
`;

/** DAILY_SERIES_SQL summed over its channels per day (a partner's or the campaign's curve). Same parameters. */
export const SUMMED_DAILY_SERIES_SQL = `
SELECT day, sum(followers)::bigint AS followers, count(followers)::int AS channels_with_reading,
       sum(change)::bigint AS change
  FROM (${DAILY_SERIES_SQL}) per_channel
 GROUP BY day
 ORDER BY day
`;

/**
 * Reciprocity: published deliveries on the channels of partner A whose post featured partner B
 * (A ≠ B), for the campaign's posts published in the window. $1 campaign, $2 from, $3 to.
 * Hash joins over the campaign's deliveries, read from their covering index (see
 * RECIPROCITY_PLANNER_SETTING); no count(DISTINCT …), whose sort doubled the time.
 * The pairs are counted per channel first and only then joined to the channels: the join then
 * probes channels once per (channel, featured partner) instead of once per delivery and
 * featured partner, far fewer probes on a campaign with many posts per channel (bench/indicators).
 */
export const RECIPROCITY_PAIRS_SQL = `
SELECT ch.partner_id AS publisher_id, pairs.featured_id, sum(pairs.n)::int AS deliveries
  FROM (
    SELECT d.channel_id, f.partner_id AS featured_id, count(*) AS n
      FROM posts p
      JOIN deliveries d ON d.post_id = p.id AND d.status = 'published'
      JOIN post_featured_partners f ON f.post_id = p.id
     WHERE p.campaign_id = $1
       AND d.published_at > $2::timestamptz AND d.published_at <= $3::timestamptz
     GROUP BY d.channel_id, f.partner_id
  ) pairs
  JOIN channels ch ON ch.id = pairs.channel_id
 WHERE pairs.featured_id <> ch.partner_id
 GROUP BY ch.partner_id, pairs.featured_id
`;

/**
 * What RECIPROCITY_PAIRS_SQL runs with, in its own transaction: the campaign's published deliveries
 * are all in the covering index deliveries_published_idx (post, channel, publication time), but
 * Postgres' default page costs (made for spinning disks) have it read the whole table instead.
 * With the cost most deployments on SSDs use, the matrix reads the index only, which
 * bench/indicators checks and times. Scoped to this statement, so no other query's plan changes.
 */
export const RECIPROCITY_PLANNER_SETTING = `SET LOCAL random_page_cost = 1.1`;

/** Clicks on tracked links per partner, per post, per channel and per day. $1 campaign, $2 first day, $3 last day. */
export const CLICKS_SQL = `
SELECT ch.partner_id, d.post_id, d.channel_id, ch.network, lc.day, lc.clicks
  FROM link_clicks lc
  JOIN tracked_links l ON l.id = lc.link_id
  JOIN deliveries d ON d.id = l.delivery_id
  JOIN posts p ON p.id = d.post_id AND p.campaign_id = $1
  JOIN channels ch ON ch.id = d.channel_id
 WHERE lc.day BETWEEN $2::date AND $3::date
 ORDER BY lc.day, ch.partner_id
`;

/** Conversions ("new customers") per partner and source in the window's days. $1 campaign, $2 first day, $3 last day. */
export const CONVERSION_TOTALS_SQL = `
SELECT partner_id, source, sum(count)::int AS count, count(*)::int AS records
  FROM conversions
 WHERE campaign_id = $1 AND occurred_on BETWEEN $2::date AND $3::date
 GROUP BY partner_id, source
 ORDER BY partner_id, source
`;

/** Clicks summed per partner in the window's days. $1 campaign, $2 first day, $3 last day. */
export const CLICK_TOTALS_SQL = `
SELECT ch.partner_id, sum(lc.clicks)::int AS clicks
  FROM link_clicks lc
  JOIN tracked_links l ON l.id = lc.link_id
  JOIN deliveries d ON d.id = l.delivery_id
  JOIN posts p ON p.id = d.post_id AND p.campaign_id = $1
  JOIN channels ch ON ch.id = d.channel_id
 WHERE lc.day BETWEEN $2::date AND $3::date
 GROUP BY ch.partner_id
`;

/**
 * Retention: sub-daily snapshots older than $1 days are deleted, except the last one of each
 * (channel, Europe/Paris day) — the daily point, kept forever. Preference goes to a reading;
 * a day with only failures or "not available" answers keeps its last answer so the record
 * of what happened survives. Works in slices ($2 rows) to keep transactions short.
 */
export const RETENTION_DELETE_SQL = `
WITH old AS (
  SELECT channel_id, taken_at, edge_at,
         row_number() OVER (PARTITION BY channel_id, (taken_at AT TIME ZONE 'Europe/Paris')::date
                            ORDER BY (outcome = 'count') DESC, taken_at DESC) AS rank_in_day
    FROM follower_snapshots
   WHERE taken_at < (date_trunc('day', now() AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'Europe/Paris') - make_interval(days => $1::int)
),
doomed AS (
  -- Readings taken for a campaign's edge are kept: every window with that edge reads them.
  SELECT channel_id, taken_at FROM old WHERE rank_in_day > 1 AND edge_at IS NULL LIMIT $2
)
DELETE FROM follower_snapshots s USING doomed
 WHERE s.channel_id = doomed.channel_id AND s.taken_at = doomed.taken_at
`;

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-post performance (issue 21). Each reading of a published delivery's figures on its network
 * is a snapshot: which scheduled age it was for ('1h', '24h', '7d', '28d' or 'manual'), what the
 * network answered, from which call (source), when. Each figure is NULL when the network did not
 * give it ("not available"), never 0.
 *
 * post_metrics_latest keeps the last successful reading of each delivery, with the campaign, post,
 * channel and publication time copied in, so output indicators over a campaign's hundred thousand
 * deliveries read one narrow table. A statement-level trigger keeps it, as for follower_daily_points.
 */
export class PostMetricSnapshots1796800000001 implements MigrationInterface {
  name = 'PostMetricSnapshots1796800000001';

  async up(q: QueryRunner): Promise<void> {
    const counts = ['views', 'reach', 'likes', 'reposts', 'replies', 'quotes', 'link_clicks', 'video_views', 'saves']
      .map((c) => `${c} integer CHECK (${c} >= 0)`)
      .join(',\n        ');
    await q.query(`
      CREATE TABLE post_metric_snapshots (
        delivery_id    uuid NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        taken_at       timestamptz NOT NULL,
        age            text NOT NULL CHECK (age ~ '^([0-9]+[mhd]|manual)$'),
        -- ok: the network answered (figures it did not give are NULL); unsupported: Chorus cannot read
        -- this network's post figures; failed: no answer, retried from retry_at.
        outcome        text NOT NULL CHECK (outcome IN ('ok', 'unsupported', 'failed')),
        source         text NOT NULL,
        ${counts},
        error_kind     text CHECK (error_kind IN ('rate_limited', 'transient', 'auth', 'content', 'unknown', 'channel_unavailable')),
        error_message  text,
        retry_at       timestamptz,
        PRIMARY KEY (delivery_id, taken_at),
        CHECK ((outcome = 'failed') = (error_kind IS NOT NULL))
      )`);
    // "Was this age already read for this delivery?" for the scheduler.
    await q.query(`CREATE INDEX post_metric_snapshots_age_idx ON post_metric_snapshots (delivery_id, age) INCLUDE (outcome, retry_at)`);

    await q.query(`
      CREATE TABLE post_metrics_latest (
        delivery_id   uuid PRIMARY KEY REFERENCES deliveries(id) ON DELETE CASCADE,
        campaign_id   uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        post_id       uuid NOT NULL,
        channel_id    uuid NOT NULL,
        published_at  timestamptz NOT NULL,
        taken_at      timestamptz NOT NULL,
        source        text NOT NULL,
        views integer, reach integer, likes integer, reposts integer, replies integer, quotes integer,
        link_clicks integer, video_views integer, saves integer
      )`);
    await q.query(`CREATE INDEX post_metrics_latest_campaign_idx ON post_metrics_latest (campaign_id, published_at)`);
    await q.query(`
      CREATE FUNCTION post_metrics_latest_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO post_metrics_latest (delivery_id, campaign_id, post_id, channel_id, published_at, taken_at, source,
                                         views, reach, likes, reposts, replies, quotes, link_clicks, video_views, saves)
        SELECT DISTINCT ON (n.delivery_id)
               n.delivery_id, p.campaign_id, d.post_id, d.channel_id, d.published_at, n.taken_at, n.source,
               n.views, n.reach, n.likes, n.reposts, n.replies, n.quotes, n.link_clicks, n.video_views, n.saves
          FROM new_rows n
          JOIN deliveries d ON d.id = n.delivery_id AND d.published_at IS NOT NULL
          JOIN posts p ON p.id = d.post_id
         WHERE n.outcome = 'ok'
         ORDER BY n.delivery_id, n.taken_at DESC
        ON CONFLICT (delivery_id) DO UPDATE SET
           taken_at = excluded.taken_at, source = excluded.source,
           views = excluded.views, reach = excluded.reach, likes = excluded.likes, reposts = excluded.reposts,
           replies = excluded.replies, quotes = excluded.quotes, link_clicks = excluded.link_clicks,
           video_views = excluded.video_views, saves = excluded.saves
         WHERE excluded.taken_at >= post_metrics_latest.taken_at;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER post_metric_snapshots_latest AFTER INSERT ON post_metric_snapshots
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION post_metrics_latest_refresh()`);

    // The scheduler's "which published deliveries reached an age to read" scan.
    await q.query(`CREATE INDEX deliveries_published_at_idx ON deliveries (published_at) WHERE status = 'published'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_published_at_idx`);
    await q.query(`DROP TABLE post_metrics_latest, post_metric_snapshots`);
    await q.query(`DROP FUNCTION post_metrics_latest_refresh()`);
  }
}

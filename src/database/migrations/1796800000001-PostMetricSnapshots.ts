import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-post performance (issue 21). Each reading of a published delivery's figures on its network
 * is a snapshot: which scheduled age it was for ('1h', '24h', '7d', '28d' or 'manual'), what the
 * network answered, from which call (source), when. Each figure is NULL when the network did not
 * give it ("not available"), never 0.
 *
 * post_metrics_latest has a row per published delivery with the last successful reading of its
 * figures, and the campaign, post, track, channel, partner, network and publication time copied in,
 * so output indicators over a campaign's hundred thousand deliveries read one narrow table.
 * Triggers keep it, as for follower_daily_points.
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

    // One row per published delivery, created when it is published (a trigger on deliveries: the
    // publishing code is not touched), with the campaign, post, track, channel, partner and network
    // copied in and the latest successful reading's figures (NULL until the first reading). Output
    // indicators then read this one narrow table, whatever the level they group by.
    await q.query(`
      CREATE TABLE post_metrics_latest (
        delivery_id   uuid PRIMARY KEY REFERENCES deliveries(id) ON DELETE CASCADE,
        campaign_id   uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        post_id       uuid NOT NULL,
        track_id      uuid,
        channel_id    uuid NOT NULL,
        partner_id    uuid NOT NULL,
        network       text NOT NULL,
        published_at  timestamptz NOT NULL,
        taken_at      timestamptz,
        source        text,
        views integer, reach integer, likes integer, reposts integer, replies integer, quotes integer,
        link_clicks integer, video_views integer, saves integer
      )`);
    await q.query(`CREATE INDEX post_metrics_latest_campaign_idx ON post_metrics_latest (campaign_id, published_at)`);
    await q.query(`CREATE INDEX post_metrics_latest_post_idx ON post_metrics_latest (post_id)`);

    // A delivery becomes published: its row. Row-level with a WHEN clause, so the publishing path
    // pays nothing for its other updates.
    await q.query(`
      CREATE FUNCTION post_metrics_latest_publish() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO post_metrics_latest (delivery_id, campaign_id, post_id, track_id, channel_id, partner_id, network, published_at)
        SELECT NEW.id, p.campaign_id, p.id, p.track_id, ch.id, ch.partner_id, ch.network, coalesce(NEW.published_at, now())
          FROM posts p, channels ch WHERE p.id = NEW.post_id AND ch.id = NEW.channel_id
        ON CONFLICT (delivery_id) DO UPDATE SET published_at = excluded.published_at;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER deliveries_published_outputs AFTER UPDATE OF status, published_at ON deliveries
      FOR EACH ROW WHEN (NEW.status = 'published' AND (OLD.status IS DISTINCT FROM 'published' OR OLD.published_at IS DISTINCT FROM NEW.published_at))
      EXECUTE FUNCTION post_metrics_latest_publish()`);
    await q.query(`
      CREATE FUNCTION post_metrics_latest_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO post_metrics_latest (delivery_id, campaign_id, post_id, track_id, channel_id, partner_id, network, published_at)
        SELECT n.id, p.campaign_id, p.id, p.track_id, ch.id, ch.partner_id, ch.network, coalesce(n.published_at, now())
          FROM new_rows n JOIN posts p ON p.id = n.post_id JOIN channels ch ON ch.id = n.channel_id
         WHERE n.status = 'published'
        ON CONFLICT (delivery_id) DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER deliveries_inserted_outputs AFTER INSERT ON deliveries
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION post_metrics_latest_insert()`);
    // A post moved to another track carries its deliveries' figures with it.
    await q.query(`
      CREATE FUNCTION post_metrics_latest_track() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE post_metrics_latest SET track_id = NEW.track_id WHERE post_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER posts_track_outputs AFTER UPDATE OF track_id ON posts
      FOR EACH ROW WHEN (OLD.track_id IS DISTINCT FROM NEW.track_id) EXECUTE FUNCTION post_metrics_latest_track()`);
    await q.query(`
      INSERT INTO post_metrics_latest (delivery_id, campaign_id, post_id, track_id, channel_id, partner_id, network, published_at)
      SELECT d.id, p.campaign_id, p.id, p.track_id, ch.id, ch.partner_id, ch.network, coalesce(d.published_at, d.updated_at)
        FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN channels ch ON ch.id = d.channel_id
       WHERE d.status = 'published'`);

    // A new reading replaces the figures when it is the latest.
    await q.query(`
      CREATE FUNCTION post_metrics_latest_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE post_metrics_latest l SET
           taken_at = n.taken_at, source = n.source,
           views = n.views, reach = n.reach, likes = n.likes, reposts = n.reposts, replies = n.replies,
           quotes = n.quotes, link_clicks = n.link_clicks, video_views = n.video_views, saves = n.saves
          FROM (SELECT DISTINCT ON (delivery_id) * FROM new_rows WHERE outcome = 'ok' ORDER BY delivery_id, taken_at DESC) n
         WHERE l.delivery_id = n.delivery_id AND (l.taken_at IS NULL OR n.taken_at >= l.taken_at);
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
    await q.query(`DROP TRIGGER posts_track_outputs ON posts`);
    await q.query(`DROP TRIGGER deliveries_inserted_outputs ON deliveries`);
    await q.query(`DROP TRIGGER deliveries_published_outputs ON deliveries`);
    await q.query(`DROP TABLE post_metrics_latest, post_metric_snapshots`);
    await q.query(`DROP FUNCTION post_metrics_latest_refresh(), post_metrics_latest_track(), post_metrics_latest_insert(), post_metrics_latest_publish()`);
  }
}

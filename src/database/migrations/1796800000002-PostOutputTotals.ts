import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Output figures summed per post (issue 21): a campaign's track, campaign and post figures and its
 * top posts read these rows (about one per post) instead of one per delivery. Kept by statement
 * triggers on post_metrics_latest that recompute the posts a statement touched (a post has a few
 * deliveries). A post counts in a window by its first publication.
 */
export class PostOutputTotals1796800000002 implements MigrationInterface {
  name = 'PostOutputTotals1796800000002';

  async up(q: QueryRunner): Promise<void> {
    const figures = ['views', 'reach', 'likes', 'reposts', 'replies', 'quotes', 'saves', 'video_views', 'network_clicks', 'engagements'];
    await q.query(`
      CREATE TABLE post_output_totals (
        post_id           uuid PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
        campaign_id       uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        track_id          uuid,
        published_at      timestamptz NOT NULL,
        deliveries        integer NOT NULL,
        deliveries_read   integer NOT NULL,
        ${figures.map((f) => `${f} bigint, ${f}_n integer NOT NULL`).join(',\n        ')},
        rate_engagements  bigint,
        rate_views        bigint,
        last_read_at      timestamptz,
        -- Clicks on the post's tracked links, kept by a trigger on link_clicks (figures above are
        -- recomputed from post_metrics_latest and leave this column alone).
        tracked_clicks    bigint NOT NULL DEFAULT 0
      )`);
    await q.query(`CREATE INDEX post_output_totals_campaign_idx ON post_output_totals (campaign_id, published_at)`);

    const engagements = `CASE WHEN m.likes IS NULL AND m.reposts IS NULL AND m.replies IS NULL AND m.quotes IS NULL THEN NULL
           ELSE coalesce(m.likes, 0) + coalesce(m.reposts, 0) + coalesce(m.replies, 0) + coalesce(m.quotes, 0) END`;
    const column = (f: string) => (f === 'network_clicks' ? 'm.link_clicks' : f === 'engagements' ? `(${engagements})` : `m.${f}`);
    const select = (where: string) => `
      SELECT p.id, p.campaign_id, p.track_id, min(m.published_at), count(*), count(m.taken_at),
             ${figures.map((f) => `sum(${column(f)}), count(${column(f)})`).join(', ')},
             sum(${column('engagements')}) FILTER (WHERE m.views IS NOT NULL), sum(m.views) FILTER (WHERE ${column('engagements')} IS NOT NULL),
             max(m.taken_at),
             (SELECT coalesce(sum(lc.clicks), 0) FROM deliveries d JOIN tracked_links l ON l.delivery_id = d.id
                JOIN link_clicks lc ON lc.link_id = l.id WHERE d.post_id = p.id)
        FROM posts p JOIN post_metrics_latest m ON m.post_id = p.id
       WHERE ${where}
       GROUP BY p.id, p.campaign_id, p.track_id`;
    const columns = `post_id, campaign_id, track_id, published_at, deliveries, deliveries_read, ${figures.map((f) => `${f}, ${f}_n`).join(', ')}, rate_engagements, rate_views, last_read_at, tracked_clicks`;
    // tracked_clicks is counted once when the row is made, then kept by the click trigger below.
    const updates = columns.split(', ').filter((c) => c !== 'post_id' && c !== 'tracked_clicks').map((c) => `${c} = excluded.${c}`).join(', ');
    await q.query(`
      CREATE FUNCTION post_output_totals_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO post_output_totals (${columns})
        ${select('p.id IN (SELECT DISTINCT post_id FROM new_rows)')}
        ON CONFLICT (post_id) DO UPDATE SET ${updates};
        RETURN NULL;
      END $$`);
    // Transition tables allow one event per trigger: one for inserts, one for updates.
    await q.query(`
      CREATE TRIGGER post_metrics_latest_inserted_totals AFTER INSERT ON post_metrics_latest
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION post_output_totals_refresh()`);
    await q.query(`
      CREATE TRIGGER post_metrics_latest_updated_totals AFTER UPDATE ON post_metrics_latest
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION post_output_totals_refresh()`);
    await q.query(`INSERT INTO post_output_totals (${columns}) ${select('true')}`);

    // A click counted on a tracked link adds to its post's total (the redirect's one-row upsert
    // pays one more indexed update).
    await q.query(`
      CREATE FUNCTION post_output_totals_click() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE added bigint := NEW.clicks - CASE WHEN TG_OP = 'UPDATE' THEN OLD.clicks ELSE 0 END;
      BEGIN
        IF added <> 0 THEN
          UPDATE post_output_totals o SET tracked_clicks = o.tracked_clicks + added
            FROM tracked_links l JOIN deliveries d ON d.id = l.delivery_id
           WHERE l.id = NEW.link_id AND o.post_id = d.post_id;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER link_clicks_post_totals AFTER INSERT OR UPDATE OF clicks ON link_clicks FOR EACH ROW EXECUTE FUNCTION post_output_totals_click()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER link_clicks_post_totals ON link_clicks`);
    await q.query(`DROP TRIGGER post_metrics_latest_updated_totals ON post_metrics_latest`);
    await q.query(`DROP TRIGGER post_metrics_latest_inserted_totals ON post_metrics_latest`);
    await q.query(`DROP TABLE post_output_totals`);
    await q.query(`DROP FUNCTION post_output_totals_refresh(), post_output_totals_click()`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A publication adds to its post's output totals instead of recomputing them. The row a
 * publication inserts into post_metrics_latest carries no figure yet (readings come later, as
 * updates), so all it changes in post_output_totals is the count of deliveries and the first
 * publication time. Recomputing read every published delivery of the post on each publication:
 * a post going out on many channels at one minute paid for its size once per channel, on the
 * worker's record statement. Readings (updates) still recompute, as before.
 */
export class PostOutputTotalsOnPublish1796800000003 implements MigrationInterface {
  name = 'PostOutputTotalsOnPublish1796800000003';

  async up(q: QueryRunner): Promise<void> {
    const figures = ['views', 'reach', 'likes', 'reposts', 'replies', 'quotes', 'saves', 'video_views', 'network_clicks', 'engagements'];
    await q.query(`
      CREATE FUNCTION post_output_totals_published() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO post_output_totals (post_id, campaign_id, track_id, published_at, deliveries, deliveries_read,
                                        ${figures.map((f) => `${f}_n`).join(', ')}, tracked_clicks)
        SELECT n.post_id, n.campaign_id, n.track_id, min(n.published_at), count(*), 0,
               ${figures.map(() => '0').join(', ')},
               (SELECT coalesce(sum(lc.clicks), 0) FROM deliveries d JOIN tracked_links l ON l.delivery_id = d.id
                  JOIN link_clicks lc ON lc.link_id = l.id WHERE d.post_id = n.post_id)
          FROM new_rows n
         GROUP BY n.post_id, n.campaign_id, n.track_id
        ON CONFLICT (post_id) DO UPDATE
           SET deliveries = post_output_totals.deliveries + excluded.deliveries,
               published_at = least(post_output_totals.published_at, excluded.published_at);
        RETURN NULL;
      END $$`);
    await q.query(`DROP TRIGGER post_metrics_latest_inserted_totals ON post_metrics_latest`);
    await q.query(`
      CREATE TRIGGER post_metrics_latest_inserted_totals AFTER INSERT ON post_metrics_latest
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION post_output_totals_published()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER post_metrics_latest_inserted_totals ON post_metrics_latest`);
    await q.query(`
      CREATE TRIGGER post_metrics_latest_inserted_totals AFTER INSERT ON post_metrics_latest
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION post_output_totals_refresh()`);
    await q.query(`DROP FUNCTION post_output_totals_published()`);
  }
}

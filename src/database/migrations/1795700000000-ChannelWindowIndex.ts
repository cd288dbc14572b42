import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The posting-window check (how many posts a channel published in the last N hours, asked by
 * every publish claim) gets an index that no other index can stand in for.
 *
 * Its previous index, (channel_id, published_at) WHERE status = 'published', shared its predicate
 * with deliveries_published_idx (post_id) INCLUDE (channel_id, published_at), the indicators'
 * index. When the statistics were taken before anything was published (a new deployment, or any
 * table before autovacuum catches up with a release), Postgres thinks both are empty and picked
 * the indicators' index, which it can only read whole: every claim then read every published
 * delivery, so a release got slower with each post it published (bench/publish/FINDINGS.md).
 *
 * Keyed on `published_at IS NOT NULL` instead, and queried without a status condition, only this
 * index matches the window queries. The two are the same set: published_at is written only by the
 * transition to `published` (DeliveryTransitions.markPublished), and nothing leaves that state.
 */
export class ChannelWindowIndex1795700000000 implements MigrationInterface {
  name = 'ChannelWindowIndex1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX deliveries_channel_window_idx ON deliveries (channel_id, published_at) WHERE published_at IS NOT NULL`);
    await q.query(`DROP INDEX deliveries_channel_published_at_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX deliveries_channel_published_at_idx ON deliveries (channel_id, published_at) WHERE status = 'published'`);
    await q.query(`DROP INDEX deliveries_channel_window_idx`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The publishing claim counts a channel's publications inside each posting window (e.g. 300 per
 * 3 hours on Mastodon, 50 per day on Instagram) on every publication: this index makes that an
 * index range scan over the window only, however long the channel's history.
 */
export class PublishWindowIndex1795610203582 implements MigrationInterface {
  name = 'PublishWindowIndex1795610203582';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX deliveries_channel_published_at_idx ON deliveries (channel_id, published_at) WHERE status = 'published'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_channel_published_at_idx`);
  }
}

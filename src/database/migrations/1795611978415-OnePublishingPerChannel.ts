import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One publication at a time per channel, enforced by Postgres rather than by a Redis lock: at
 * most one delivery of a channel may be `publishing`. The publish claim skips a channel that
 * already has one, and two claims racing from different workers cannot both commit (the loser
 * gets a unique violation and steps back). A worker that dies mid-publication leaves its row in
 * `publishing`, which keeps the channel blocked until the reconciler resolves it after the lease:
 * the channel waits rather than risk two posts in flight.
 */
export class OnePublishingPerChannel1795611978415 implements MigrationInterface {
  name = 'OnePublishingPerChannel1795611978415';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX deliveries_one_publishing_per_channel ON deliveries (channel_id) WHERE status = 'publishing'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_one_publishing_per_channel`);
  }
}

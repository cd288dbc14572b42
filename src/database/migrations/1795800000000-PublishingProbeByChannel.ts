import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops deliveries_publishing_idx (claimed_at) WHERE status = 'publishing'.
 *
 * It indexed the same rows as deliveries_one_publishing_per_channel (channel_id), and the planner
 * treated the two as interchangeable because both look empty to it (at most one row per channel is
 * ever `publishing`). With both present, the publish claim's "is this channel already publishing?"
 * check read the claimed_at index whole and filtered by channel, for every delivery it claimed:
 * that index keeps an entry for each claim made since the last vacuum cleared it, so the check's
 * cost depended on the claims made before it rather than on the channel, and grew with every
 * release until a vacuum. The claim now looks the channel up (see DeliveryTransitions.claim), and the one index left serves it.
 *
 * The reconciler's search for expired leases (stalePublishing) reads the remaining index whole
 * and sorts by claimed_at: at most one row per channel is `publishing`, so that is a few thousand
 * entries at worst, once per pass. One index fewer is also one insertion fewer per claim.
 */
export class PublishingProbeByChannel1795800000000 implements MigrationInterface {
  name = 'PublishingProbeByChannel1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_publishing_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX deliveries_publishing_idx ON deliveries (claimed_at) WHERE status = 'publishing'`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calendar feeds become per user and per campaign, each one a row that can be revoked (deleted)
 * and that goes with its user. The feed's key is derived from the row's id with a server secret,
 * so it can be shown again; only its SHA-256 is stored, to find the row from the address.
 */
export class CalendarFeedsPerUser1796600000000 implements MigrationInterface {
  name = 'CalendarFeedsPerUser1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_feeds (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        key_hash    text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX calendar_feeds_key_uq ON calendar_feeds (key_hash)`);
    await q.query(`CREATE UNIQUE INDEX calendar_feeds_user_campaign_uq ON calendar_feeds (user_id, campaign_id)`);
    await q.query(`CREATE INDEX calendar_feeds_campaign_idx ON calendar_feeds (campaign_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_feeds`);
  }
}

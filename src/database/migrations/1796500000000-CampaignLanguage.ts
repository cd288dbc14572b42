import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The language a campaign's posts are written in (a BCP 47 tag such as "fr"), for the networks
 * that label a post's language (Bluesky's `langs`, which feeds and filters read). Null for
 * campaigns created before: their posts go out unlabelled, as before.
 */
export class CampaignLanguage1796500000000 implements MigrationInterface {
  name = 'CampaignLanguage1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns ADD COLUMN language text NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns DROP COLUMN language`);
  }
}

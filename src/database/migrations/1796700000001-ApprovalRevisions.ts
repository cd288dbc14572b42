import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A decision can be revised: a partner changes its mind before the post goes out, or the manager
 * asks a partner that refused to decide again. The earlier decision stays in the history, marked
 * `superseded_at`; at most one decision per (post, partner, version) is current.
 */
export class ApprovalRevisions1796700000001 implements MigrationInterface {
  name = 'ApprovalRevisions1796700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE approvals ADD COLUMN superseded_at timestamptz`);
    await q.query(`ALTER TABLE approvals DROP CONSTRAINT approvals_post_id_partner_id_post_version_key`);
    await q.query(`CREATE UNIQUE INDEX approvals_current_uq ON approvals (post_id, partner_id, post_version) WHERE superseded_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM approvals WHERE superseded_at IS NOT NULL`);
    await q.query(`DROP INDEX approvals_current_uq`);
    await q.query(`ALTER TABLE approvals ADD CONSTRAINT approvals_post_id_partner_id_post_version_key UNIQUE (post_id, partner_id, post_version)`);
    await q.query(`ALTER TABLE approvals DROP COLUMN superseded_at`);
  }
}

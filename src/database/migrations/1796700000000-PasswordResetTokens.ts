import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A password-reset link is an invitation's twin (one use, expiring, only its hash stored, sets the
 * password): the same table, told apart by `purpose`, so that a reset token cannot be presented
 * as an invitation and the audit says which one it was.
 */
export class PasswordResetTokens1796700000000 implements MigrationInterface {
  name = 'PasswordResetTokens1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE user_invites ADD COLUMN purpose text NOT NULL DEFAULT 'invite' CHECK (purpose IN ('invite', 'reset'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM user_invites WHERE purpose = 'reset'`);
    await q.query(`ALTER TABLE user_invites DROP COLUMN purpose`);
  }
}

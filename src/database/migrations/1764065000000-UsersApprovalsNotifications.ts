import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users and their invites, single-use approval links, per-user notifications, partner webhooks
 * and approval reminders (issue 4).
 */
export class UsersApprovalsNotifications1764065000000 implements MigrationInterface {
  name = 'UsersApprovalsNotifications1764065000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email          text NOT NULL CHECK (email ~ '^[^@\\s]+@[^@\\s]+$'),
        name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        role           text NOT NULL CHECK (role IN ('manager', 'partner', 'reviewer')),
        -- A partner user acts for exactly one partner; other roles for none.
        partner_id     uuid REFERENCES partners(id) ON DELETE RESTRICT,
        -- argon2id; null until the invite is accepted.
        password_hash  text,
        locale         text NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
        disabled_at    timestamptz,
        deleted_at     timestamptz,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        CHECK ((role = 'partner') = (partner_id IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_uq ON users (lower(email))`);
    await q.query(`CREATE INDEX users_partner_idx ON users (partner_id) WHERE partner_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE user_invites (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id      uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        -- SHA-256 of the token sent in the link; the token itself is never stored.
        token_hash   text NOT NULL UNIQUE,
        expires_at   timestamptz NOT NULL,
        accepted_at  timestamptz,
        invited_by   uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);

    // One row per approval link answered: a link's jti may be used once.
    await q.query(`
      CREATE TABLE approval_link_uses (
        jti           uuid PRIMARY KEY,
        post_id       uuid NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        partner_id    uuid NOT NULL REFERENCES partners(id) ON DELETE RESTRICT,
        post_version  integer NOT NULL,
        used_at       timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE notifications (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind        text NOT NULL CHECK (kind IN ('approval_requested', 'approval_reminder', 'approval_rejected',
                                                  'delivery_failed', 'channel_needs_reauth')),
        payload     jsonb NOT NULL DEFAULT '{}',
        -- Same key twice for one user = same notification (re-submission, reminder sent once).
        dedupe_key  text,
        read_at     timestamptz,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC)`);
    await q.query(`CREATE UNIQUE INDEX notifications_dedupe_uq ON notifications (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL`);

    await q.query(`
      CREATE TABLE partner_webhooks (
        partner_id        uuid PRIMARY KEY REFERENCES partners(id) ON DELETE CASCADE,
        url               text NOT NULL CHECK (url ~ '^https?://'),
        -- AES-256-GCM envelope of the HMAC secret (same cipher as channel credentials).
        secret_encrypted  text NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);

    // The reminder before a post's minute is sent once per (post, version, partner).
    await q.query(`
      CREATE TABLE approval_reminders (
        post_id       uuid NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        post_version  integer NOT NULL,
        partner_id    uuid NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
        sent_at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (post_id, post_version, partner_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE approval_reminders, partner_webhooks, notifications, approval_link_uses, user_invites, users`);
  }
}

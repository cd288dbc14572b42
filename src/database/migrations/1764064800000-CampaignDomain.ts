import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The campaign domain of DESIGN.md: partners and their channels, campaigns with tracks and
 * actions, joint posts with per-network variants, one delivery per target channel, approvals
 * of post versions, and the append-only audit trail.
 */
export class CampaignDomain1764064800000 implements MigrationInterface {
  name = 'CampaignDomain1764064800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE partners (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind        text NOT NULL DEFAULT 'other'
                    CHECK (kind IN ('operator', 'startup', 'association', 'tourism', 'institution', 'other')),
        website     text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE channels (
        id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        partner_id              uuid NOT NULL REFERENCES partners(id) ON DELETE RESTRICT,
        network                 text NOT NULL
                                CHECK (network IN ('x', 'facebook', 'instagram', 'linkedin', 'mastodon', 'bluesky', 'sandbox')),
        handle                  text NOT NULL,
        external_id             text NOT NULL,
        instance_url            text,
        display_name            text,
        -- AES-256-GCM envelope "v1.<iv>.<tag>.<ciphertext>" (base64url); never returned by the API.
        credentials_encrypted   text,
        credentials_updated_at  timestamptz,
        status                  text NOT NULL DEFAULT 'active'
                                CHECK (status IN ('active', 'needs_reauth', 'paused', 'disabled')),
        status_reason           text,
        -- Per-instance text limit override (Mastodon instances configure their own).
        max_characters          integer CHECK (max_characters > 0),
        created_at              timestamptz NOT NULL DEFAULT now(),
        updated_at              timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX channels_account_uq ON channels (network, coalesce(instance_url, ''), external_id)`);
    await q.query(`CREATE INDEX channels_partner_idx ON channels (partner_id)`);

    await q.query(`
      CREATE TABLE campaigns (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug                 text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        objective            text NOT NULL DEFAULT '',
        time_zone            text NOT NULL,
        starts_at            timestamptz NOT NULL,
        ends_at              timestamptz NOT NULL,
        baseline_starts_at   timestamptz NOT NULL,
        baseline_ends_at     timestamptz NOT NULL,
        operator_partner_id  uuid REFERENCES partners(id) ON DELETE RESTRICT,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at > starts_at),
        CHECK (baseline_starts_at < baseline_ends_at AND baseline_ends_at <= starts_at)
      )`);
    await q.query(`
      CREATE TABLE campaign_partners (
        campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        partner_id   uuid NOT NULL REFERENCES partners(id) ON DELETE RESTRICT,
        PRIMARY KEY (campaign_id, partner_id)
      )`);
    await q.query(`CREATE INDEX campaign_partners_partner_idx ON campaign_partners (partner_id)`);

    await q.query(`
      CREATE TABLE tracks (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id        uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        objective          text NOT NULL DEFAULT '',
        output_indicators  jsonb NOT NULL DEFAULT '[]',
        result_indicators  jsonb NOT NULL DEFAULT '[]',
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        UNIQUE (campaign_id, name)
      )`);
    await q.query(`
      CREATE TABLE track_partners (
        track_id    uuid NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
        partner_id  uuid NOT NULL REFERENCES partners(id) ON DELETE RESTRICT,
        role        text NOT NULL CHECK (role IN ('leader', 'member')),
        PRIMARY KEY (track_id, partner_id)
      )`);

    await q.query(`
      CREATE TABLE actions (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        track_id     uuid REFERENCES tracks(id) ON DELETE SET NULL,
        title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        description  text NOT NULL DEFAULT '',
        occurs_at    timestamptz NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX actions_campaign_idx ON actions (campaign_id, occurs_at)`);

    await q.query(`
      CREATE TABLE posts (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id   uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        track_id      uuid REFERENCES tracks(id) ON DELETE SET NULL,
        action_id     uuid REFERENCES actions(id) ON DELETE SET NULL,
        base_text     text NOT NULL,
        link          text,
        -- [{url, altText, type: image|video}]
        media         jsonb NOT NULL DEFAULT '[]',
        scheduled_at  timestamptz NOT NULL,
        -- Bumped by every content edit (text, variants, media, link, targets); approvals are per version.
        version       integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        submitted_at  timestamptz,
        cancelled_at  timestamptz,
        created_by    uuid,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX posts_campaign_scheduled_idx ON posts (campaign_id, scheduled_at)`);
    await q.query(`
      CREATE TABLE post_variants (
        post_id  uuid NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        network  text NOT NULL
                 CHECK (network IN ('x', 'facebook', 'instagram', 'linkedin', 'mastodon', 'bluesky', 'sandbox')),
        text     text NOT NULL,
        PRIMARY KEY (post_id, network)
      )`);
    await q.query(`
      CREATE TABLE post_featured_partners (
        post_id     uuid NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        partner_id  uuid NOT NULL REFERENCES partners(id) ON DELETE RESTRICT,
        PRIMARY KEY (post_id, partner_id)
      )`);
    await q.query(`CREATE INDEX post_featured_partners_partner_idx ON post_featured_partners (partner_id)`);

    await q.query(`
      CREATE TABLE deliveries (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        post_id          uuid NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        channel_id       uuid NOT NULL REFERENCES channels(id) ON DELETE RESTRICT,
        status           text NOT NULL DEFAULT 'pending_approval'
                         CHECK (status IN ('pending_approval', 'approved', 'queued', 'publishing',
                                           'published', 'failed', 'skipped', 'cancelled')),
        -- The post version this delivery's text was resolved from, and the one its partner approved.
        post_version     integer NOT NULL,
        approved_version integer,
        resolved_text    text NOT NULL,
        -- When the delivery may next be attempted: the post's minute, or later after a backoff or a rate limit.
        due_at           timestamptz NOT NULL,
        attempts         integer NOT NULL DEFAULT 0,
        error_kind       text CHECK (error_kind IN ('rate_limited', 'transient', 'auth', 'content', 'unknown', 'not_approved', 'channel_unavailable')),
        error_message    text,
        external_id      text,
        external_url     text,
        published_at     timestamptz,
        claimed_at       timestamptz,
        claimed_by       text,
        -- Same for every attempt of this delivery: the network-side idempotency key / record key.
        idempotency_key  uuid NOT NULL DEFAULT gen_random_uuid(),
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        UNIQUE (post_id, channel_id)
      )`);
    await q.query(`CREATE INDEX deliveries_due_idx ON deliveries (due_at) WHERE status IN ('approved', 'queued')`);
    await q.query(`CREATE INDEX deliveries_publishing_idx ON deliveries (claimed_at) WHERE status = 'publishing'`);
    await q.query(`CREATE INDEX deliveries_channel_idx ON deliveries (channel_id, status)`);

    await q.query(`
      CREATE TABLE approvals (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        post_id       uuid NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
        partner_id    uuid NOT NULL REFERENCES partners(id) ON DELETE RESTRICT,
        post_version  integer NOT NULL,
        decision      text NOT NULL CHECK (decision IN ('approved', 'rejected')),
        comment       text NOT NULL DEFAULT '',
        decided_by    uuid,
        via           text NOT NULL DEFAULT 'login' CHECK (via IN ('login', 'link', 'manager')),
        decided_at    timestamptz NOT NULL DEFAULT now(),
        UNIQUE (post_id, partner_id, post_version)
      )`);

    await q.query(`
      CREATE TABLE audit_events (
        id            bigserial PRIMARY KEY,
        occurred_at   timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid,
        actor_label   text NOT NULL,
        action        text NOT NULL,
        entity_type   text NOT NULL,
        entity_id     text NOT NULL,
        campaign_id   uuid,
        post_id       uuid,
        partner_id    uuid,
        before        jsonb,
        after         jsonb
      )`);
    await q.query(`CREATE INDEX audit_events_post_idx ON audit_events (post_id, id) WHERE post_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_partner_idx ON audit_events (partner_id, id) WHERE partner_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_time_idx ON audit_events (occurred_at)`);
    // Append-only: the trail must not be rewritten, even by a bug in our own code.
    await q.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events, approvals, deliveries, post_featured_partners, post_variants, posts,
                   actions, track_partners, tracks, campaign_partners, campaigns, channels, partners`);
    await q.query(`DROP FUNCTION audit_events_append_only()`);
  }
}

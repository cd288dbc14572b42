import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Result indicators (issue 5): follower snapshots and their daily points, the poll schedule,
 * tracked links with per-day click counters, campaign codes and conversions.
 *
 * Days of the daily points and of the retention rule are Europe/Paris days (ANALYTICS_DAY_ZONE in
 * src/analytics/analytics-settings.ts): every campaign so far runs in that zone. Campaign
 * indicators for another zone stay correct (they read raw snapshots); only the baseline
 * trend's sampling day would be shifted.
 */
export class ResultIndicators1764070500000 implements MigrationInterface {
  name = 'ResultIndicators1764070500000';

  async up(q: QueryRunner): Promise<void> {
    // Per-campaign poll frequency; null = the default (ANALYTICS_SNAPSHOT_INTERVAL_MINUTES, 6 h).
    await q.query(`
      ALTER TABLE campaigns
        ADD COLUMN snapshot_interval_minutes integer CHECK (snapshot_interval_minutes BETWEEN 5 AND 10080)`);

    // One row per poll. A count is `outcome = 'count'` with followers set; a network that cannot
    // give a count answers `not_available` (shown as such, never 0); a failed poll is kept with its
    // error class, never a made-up number. The PK serves every "last reading at or before T"
    // lookup; INCLUDE (followers, outcome) lets those lookups be index-only scans.
    await q.query(`
      CREATE TABLE follower_snapshots (
        channel_id     uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        taken_at       timestamptz NOT NULL,
        outcome        text NOT NULL CHECK (outcome IN ('count', 'not_available', 'failed')),
        followers      integer CHECK (followers >= 0),
        posts          integer CHECK (posts >= 0),
        -- Why the poll ran: the schedule, a campaign boundary, a new channel, a manual request, an import.
        source         text NOT NULL DEFAULT 'schedule'
                       CHECK (source IN ('schedule', 'campaign_start', 'campaign_end', 'channel_added', 'manual', 'import')),
        error_kind     text CHECK (error_kind IN ('rate_limited', 'transient', 'auth', 'content', 'unknown', 'channel_unavailable')),
        error_message  text,
        CONSTRAINT follower_snapshots_pkey PRIMARY KEY (channel_id, taken_at) INCLUDE (followers, outcome),
        CHECK ((outcome = 'count') = (followers IS NOT NULL)),
        CHECK ((outcome = 'failed') = (error_kind IS NOT NULL))
      )`);

    // Failed and not-available polls are few; this small index answers "is this channel's network
    // unable to give a count?" and "how many polls failed in the window?" without reading the counts.
    await q.query(`CREATE INDEX follower_snapshots_not_count_idx ON follower_snapshots (channel_id, taken_at) INCLUDE (outcome) WHERE outcome <> 'count'`);

    // The last count of each (channel, Paris day), kept up to date by a statement-level trigger so a
    // COPY of millions of rows costs one aggregate. The baseline trend is fitted on these daily
    // points: equal weight per day whatever the poll frequency, and ~60 rows per channel instead of
    // ~1,500, which is what keeps campaign indicators for hundreds of channels fast.
    await q.query(`
      CREATE TABLE follower_daily_points (
        channel_id  uuid NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        day         date NOT NULL,
        taken_at    timestamptz NOT NULL,
        followers   integer NOT NULL,
        PRIMARY KEY (channel_id, day) INCLUDE (taken_at, followers)
      )`);
    await q.query(`
      CREATE FUNCTION follower_daily_points_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO follower_daily_points (channel_id, day, taken_at, followers)
        SELECT DISTINCT ON (channel_id, (taken_at AT TIME ZONE 'Europe/Paris')::date)
               channel_id, (taken_at AT TIME ZONE 'Europe/Paris')::date, taken_at, followers
          FROM new_rows
         WHERE outcome = 'count'
         ORDER BY channel_id, (taken_at AT TIME ZONE 'Europe/Paris')::date, taken_at DESC
        ON CONFLICT (channel_id, day) DO UPDATE
           SET taken_at = excluded.taken_at, followers = excluded.followers
         WHERE excluded.taken_at >= follower_daily_points.taken_at;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER follower_snapshots_daily AFTER INSERT ON follower_snapshots
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION follower_daily_points_refresh()`);

    // When each channel is next due for a poll; claimed with a conditional UPDATE so any number of
    // workers can run the scheduler without polling a channel twice.
    await q.query(`
      CREATE TABLE follower_poll_schedule (
        channel_id            uuid PRIMARY KEY REFERENCES channels(id) ON DELETE CASCADE,
        next_poll_at          timestamptz NOT NULL,
        last_polled_at        timestamptz,
        last_outcome          text CHECK (last_outcome IN ('count', 'not_available', 'failed')),
        consecutive_failures  integer NOT NULL DEFAULT 0
      )`);
    await q.query(`CREATE INDEX follower_poll_schedule_due_idx ON follower_poll_schedule (next_poll_at)`);

    // Campaign boundaries whose snapshots have been requested (start, end): once per campaign.
    await q.query(`
      CREATE TABLE campaign_boundary_snapshots (
        campaign_id   uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        boundary      text NOT NULL CHECK (boundary IN ('start', 'end')),
        requested_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (campaign_id, boundary)
      )`);

    // One short code per delivery whose post carries a link.
    await q.query(`
      CREATE TABLE tracked_links (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code         text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9]{6,16}$'),
        delivery_id  uuid NOT NULL UNIQUE REFERENCES deliveries(id) ON DELETE CASCADE,
        target_url   text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    // Counters only: no IP address, user agent or referrer is ever stored.
    await q.query(`
      CREATE TABLE link_clicks (
        link_id  uuid NOT NULL REFERENCES tracked_links(id) ON DELETE CASCADE,
        day      date NOT NULL,
        clicks   integer NOT NULL DEFAULT 0 CHECK (clicks >= 0),
        PRIMARY KEY (link_id, day)
      )`);

    await q.query(`
      CREATE TABLE campaign_codes (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id  uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        partner_id   uuid NOT NULL REFERENCES partners(id) ON DELETE RESTRICT,
        code         text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{2,40}$'),
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX campaign_codes_code_uq ON campaign_codes (campaign_id, upper(code))`);
    await q.query(`CREATE INDEX campaign_codes_partner_idx ON campaign_codes (campaign_id, partner_id)`);

    await q.query(`
      CREATE TABLE conversions (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id        uuid NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        partner_id         uuid NOT NULL REFERENCES partners(id) ON DELETE RESTRICT,
        occurred_on        date NOT NULL,
        count              integer NOT NULL CHECK (count BETWEEN 1 AND 100000),
        source             text NOT NULL CHECK (source IN ('costo_cheque', 'campaign_code', 'link', 'other')),
        campaign_code_id   uuid REFERENCES campaign_codes(id) ON DELETE SET NULL,
        note               text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
        recorded_by        uuid,
        recorded_by_label  text NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX conversions_campaign_idx ON conversions (campaign_id, partner_id, occurred_on)`);

    // Reciprocity reads published deliveries of a campaign's posts.
    await q.query(`CREATE INDEX deliveries_published_idx ON deliveries (post_id) INCLUDE (channel_id, published_at) WHERE status = 'published'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deliveries_published_idx`);
    await q.query(`DROP TABLE conversions, campaign_codes, link_clicks, tracked_links, campaign_boundary_snapshots,
                   follower_poll_schedule, follower_daily_points, follower_snapshots`);
    await q.query(`DROP FUNCTION follower_daily_points_refresh()`);
    await q.query(`ALTER TABLE campaigns DROP COLUMN snapshot_interval_minutes`);
  }
}

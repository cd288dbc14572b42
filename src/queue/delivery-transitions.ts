import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { DeliveryErrorKind, DeliveryStatus } from '../campaigns/deliveries/delivery.entity';
import type { MediaItem } from '../channels/adapters/network-adapter';
import type { ChannelStatus } from '../channels/channel.entity';
import type { Network } from '../channels/network';
import { LaneConnection } from './lane-connection';
import { sqlRows } from './sql-rows';
import { LaneOutputs, StatementLane } from './statement-lane';

/**
 * Every state change of a delivery, as one conditional UPDATE each (Postgres is the truth; Redis
 * only carries wake-ups). A transition that finds the row in another state changes nothing and
 * returns false: that is how two workers, or a worker and the reconciler, never both act.
 * Publications and failures write their audit_events row in the same statement.
 *
 * Kept in one file on purpose so a reviewer sees the whole state machine's SQL together.
 */

/**
 * How long a claim or record waits for a row lock before it fails (see LaneConnection). The
 * transactions it can meet hold their locks for milliseconds: the API's own writes, and another
 * worker's lane statement on the same channel.
 */
export const LANE_LOCK_TIMEOUT_MS = 5_000;

/** A job may fire slightly before Postgres' clock says the minute has come. */
const DUE_TOLERANCE = `interval '2 seconds'`;
const ACTOR = 'publishing worker';

export interface DeliveryRow {
  id: string;
  postId: string;
  channelId: string;
  campaignId: string;
  partnerId: string;
  status: DeliveryStatus;
  postVersion: number;
  approvedVersion: number | null;
  currentPostVersion: number;
  postCancelled: boolean;
  postSubmitted: boolean;
  resolvedText: string;
  link: string | null;
  media: MediaItem[];
  dueAt: Date;
  isDue: boolean;
  attempts: number;
  claimedAt: Date | null;
  claimStale: boolean;
  idempotencyKey: string;
  channelStatus: ChannelStatus;
  network: Network;
  handle: string;
  /**
   * Another delivery of the channel is `publishing` (one at a time per channel): 'live' while its
   * claim is fresh, 'abandoned' once its lease has expired (its worker died; the reconciler
   * resolves it), null when the channel is free.
   */
  channelBusy: 'live' | 'abandoned' | null;
}

export interface EnqueueRow {
  id: string;
  postVersion: number;
  dueAt: Date;
  /** Lets the worker take the channel's lock and claim in one go; a job without it reads the delivery first. */
  channelId?: string;
}

/** A channel as the claim returns it: what an adapter needs, credentials still encrypted. */
export interface ClaimedChannel {
  id: string;
  partnerId: string;
  network: Network;
  handle: string;
  externalId: string;
  instanceUrl: string | null;
  credentialsEncrypted: string | null;
}

/** Every network's posting limits, as the claim statement takes them (three parallel arrays). */
export interface PostingLimitTable {
  networks: string[];
  posts: number[];
  windowMs: number[];
}

export interface ClaimInput {
  deliveryId: string;
  version: number;
  claimToken: string;
  limits: PostingLimitTable;
}

interface PublishedInput {
  deliveryId: string;
  claimToken: string;
  post: { externalId: string; url: string | null; publishedAt: Date };
  how: 'published' | 'found_after_crash' | 'duplicate';
}

@Injectable()
export class DeliveryTransitions {
  /**
   * The two statements every publication runs (claim, record), shared by the worker's concurrent
   * jobs in one lane to Postgres (see StatementLane): one statement at a time, and when claims and
   * records both wait, one statement does both (claimAndRecordBatch). On a release in
   * bench/publish, this took Postgres' CPU per delivery from about 290 to 200 µs, against separate
   * claim and record statements with up to three in flight: each statement is a commit, and
   * concurrent ones contend for the same index pages.
   */
  private readonly lane = new StatementLane<ClaimInput, ClaimedDelivery | null, PublishedInput, boolean>(
    (c, r) => this.claimAndRecordBatch(c, r),
    128,
    () => this.connection.giveBack(),
  );
  /** The lane's statements run on one connection, held while the lane has work (see LaneConnection). */
  private readonly connection = new LaneConnection(() => (this.db.driver as PostgresDriver).master as Pool, LANE_LOCK_TIMEOUT_MS);
  /** The lane's three statements (built once: they are named prepared statements, so their text never changes). */
  private readonly claimSql = claimUpdate(1);
  private readonly recordSql = `WITH ${recordUpdate(1)} ${this.publishedAudit()}`;
  private readonly recordAndClaimSql = `WITH ${recordUpdate(1)}, recorded AS (${this.publishedAudit()}), claimed AS (${claimUpdate(RECORD_PARAMS + 1)})
         SELECT claimed.*, recorded.entity_id FROM claimed FULL JOIN recorded ON false`;

  constructor(private readonly db: DataSource) {}

  async load(deliveryId: string, leaseMs: number): Promise<DeliveryRow | null> {
    const rows: Array<Record<string, unknown>> = sqlRows(await this.db.query(
      `SELECT d.id, d.post_id, d.channel_id, p.campaign_id, c.partner_id, d.status, d.post_version, d.approved_version,
              p.version AS current_post_version, p.cancelled_at IS NOT NULL AS post_cancelled,
              p.submitted_at IS NOT NULL AS post_submitted, d.resolved_text, coalesce(d.resolved_link, p.link) AS link, p.media, d.due_at,
              d.due_at <= now() + ${DUE_TOLERANCE} AS is_due, d.attempts, d.claimed_at,
              coalesce(d.claimed_at < now() - $2 * interval '1 millisecond', true) AS claim_stale,
              d.idempotency_key, c.status AS channel_status, c.network, c.handle,
              (SELECT CASE WHEN coalesce(o.claimed_at < now() - $2 * interval '1 millisecond', true) THEN 'abandoned' ELSE 'live' END
                 FROM deliveries o WHERE o.channel_id = d.channel_id AND o.status = 'publishing' AND o.id <> d.id) AS channel_busy
         FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN channels c ON c.id = d.channel_id
        WHERE d.id = $1`,
      [deliveryId, leaseMs],
    ));
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id as string,
      postId: r.post_id as string,
      channelId: r.channel_id as string,
      campaignId: r.campaign_id as string,
      partnerId: r.partner_id as string,
      status: r.status as DeliveryStatus,
      postVersion: Number(r.post_version),
      approvedVersion: r.approved_version === null ? null : Number(r.approved_version),
      currentPostVersion: Number(r.current_post_version),
      postCancelled: Boolean(r.post_cancelled),
      postSubmitted: Boolean(r.post_submitted),
      resolvedText: r.resolved_text as string,
      link: (r.link as string | null) ?? null,
      media: (r.media as MediaItem[] | null) ?? [],
      dueAt: r.due_at as Date,
      isDue: Boolean(r.is_due),
      attempts: Number(r.attempts),
      claimedAt: (r.claimed_at as Date | null) ?? null,
      claimStale: Boolean(r.claim_stale),
      idempotencyKey: r.idempotency_key as string,
      channelStatus: r.channel_status as ChannelStatus,
      network: r.network as Network,
      handle: r.handle as string,
      channelBusy: (r.channel_busy as 'live' | 'abandoned' | null) ?? null,
    };
  }

  /**
   * approved/queued → publishing, only if it is still approved at the job's post version, the
   * post is not cancelled, the channel is active, the minute has come and the channel's posting
   * limits (`limits`, per network) leave room. `claimToken` is unique per claim: every later
   * transition of this attempt requires it, so a worker whose claim was taken over (lease
   * expired) cannot overwrite the new owner's outcome.
   *
   * One statement returns everything the publication needs (text, media, link, channel and its
   * encrypted credentials), so the common case costs one round trip before the network call.
   *
   * One publication at a time per channel, across every worker: the claim skips a channel that
   * already has a delivery in `publishing`, and the unique index
   * deliveries_one_publishing_per_channel (migration OnePublishingPerChannel) makes a claim that
   * races another worker's for the same channel fail with a unique violation instead of
   * committing; the statement is then retried input by input (StatementLane), and the losing row
   * answers null like any claim that matched nothing. The "already publishing" check is fenced
   * (`OFFSET 0`) so that it stays a lookup of the channel in that index for each claimed row:
   * written as a plain NOT EXISTS, Postgres may turn it into an anti-join that reads the whole
   * partial index for every row, dead entries of earlier claims included, and did so on
   * statistics that show (rightly) almost nothing publishing (see migration
   * PublishingProbeByChannel). Since nothing else of the channel can be
   * publishing, the posting-window count the claim makes is exact. It counts by `published_at`
   * alone (set only on publication) so that only deliveries_channel_window_idx can serve it (see
   * migration ChannelWindowIndex: with a status condition Postgres could pick an index it must
   * read whole). null when any condition fails: the caller then reads the delivery (load) to find
   * out which.
   */
  async claim(
    deliveryId: string,
    version: number,
    claimToken: string,
    limits: PostingLimitTable,
  ): Promise<ClaimedDelivery | null> {
    try {
      return await this.lane.first({ deliveryId, version, claimToken, limits });
    } catch (err) {
      if (isOnePublishingViolation(err)) return null;
      throw err;
    }
  }

  /**
   * One statement of the lane (StatementLane): the claims, the records, or both at once. Together,
   * the records' UPDATE and the claims' UPDATE see the same snapshot, which is safe because they
   * never concern the same channel: a channel's next delivery is only claimed once the record of
   * its previous one has landed (DeliveryPublisher.withChannel), so a record in the same statement
   * cannot be what the claim's "nothing else publishing" and posting-window checks would miss. Were
   * it ever so, the claim would see the channel still busy and match nothing (its job looks again
   * shortly): a delay, never two publications at once.
   */
  private async claimAndRecordBatch(claims: ClaimInput[], records: PublishedInput[]): Promise<LaneOutputs<ClaimedDelivery | null, boolean>> {
    // Every caller passes the publisher's one limits table; claims with another run on their own.
    const limits = claims[0]?.limits;
    if (claims.some((i) => i.limits !== limits)) {
      const [first, second] = await Promise.all([
        Promise.all(claims.map(async (i) => (await this.claimAndRecordBatch([i], [])).first[0])),
        records.length > 0 ? this.claimAndRecordBatch([], records).then((o) => o.second) : [],
      ]);
      return { first, second };
    }
    let rows: Array<Record<string, unknown>>;
    if (records.length === 0) {
      rows = await this.prepared('chorus_publish_claim', this.claimSql, claimParams(claims));
    } else if (claims.length === 0) {
      rows = await this.prepared('chorus_publish_mark_published', this.recordSql, recordParams(records));
    } else {
      rows = await this.prepared('chorus_publish_record_and_claim', this.recordAndClaimSql, [...recordParams(records), ...claimParams(claims)]);
    }
    const claimed = new Map<string, Record<string, unknown>>();
    const recorded = new Set<string>();
    for (const r of rows) {
      if (r.entity_id) recorded.add(String(r.entity_id).toLowerCase());
      else claimed.set(String(r.id).toLowerCase(), r);
    }
    return {
      first: claims.map((i) => {
        const r = claimed.get(i.deliveryId.toLowerCase());
        return r ? claimedFrom(r) : null;
      }),
      second: records.map((i) => recorded.has(i.deliveryId.toLowerCase())),
    };
  }

  /** Takes over a delivery left in `publishing` by a worker whose lease expired (it died, or hung). */
  async reclaimStale(deliveryId: string, claimToken: string, leaseMs: number): Promise<number | null> {
    const rows: Array<{ attempts: number }> = sqlRows(await this.db.query(
      `UPDATE deliveries SET claimed_at = now(), claimed_by = $2, attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status = 'publishing'
          AND (claimed_at IS NULL OR claimed_at < now() - $3 * interval '1 millisecond')
        RETURNING attempts`,
      [deliveryId, claimToken, leaseMs],
    ));
    return rows[0] ? Number(rows[0].attempts) : null;
  }

  /** Keeps our claim fresh while a slow network call runs, so nobody takes it over. */
  async renewClaim(deliveryId: string, claimToken: string): Promise<boolean> {
    const rows: unknown[] = sqlRows(await this.db.query(
      `UPDATE deliveries SET claimed_at = now() WHERE id = $1 AND status = 'publishing' AND claimed_by = $2 RETURNING id`,
      [deliveryId, claimToken],
    ));
    return rows.length > 0;
  }

  async markPublished(
    deliveryId: string,
    claimToken: string,
    post: { externalId: string; url: string | null; publishedAt: Date },
    how: 'published' | 'found_after_crash' | 'duplicate',
  ): Promise<boolean> {
    return this.lane.second({ deliveryId, claimToken, post, how });
  }

  /** The audit row of each delivery the record's UPDATE (`u`) published. */
  private publishedAudit(): string {
    return this.auditInsert(
      'delivery.published',
      `jsonb_build_object('status', 'published', 'externalId', u.external_id, 'url', u.external_url, 'attempts', u.attempts, 'how', u.how)`,
    );
  }

  /** publishing → failed (no retry left, content refused, credentials refused). */
  async markFailed(deliveryId: string, claimToken: string, kind: DeliveryErrorKind, message: string): Promise<boolean> {
    return this.transitionWithAudit(
      `UPDATE deliveries SET status = 'failed', error_kind = $3, error_message = $4, updated_at = now()
        WHERE id = $1 AND status = 'publishing' AND claimed_by = $2`,
      [deliveryId, claimToken, kind, message],
      'delivery.failed',
      `jsonb_build_object('status', 'failed', 'errorKind', u.error_kind, 'message', u.error_message, 'attempts', u.attempts)`,
    );
  }

  /**
   * publishing → queued at a later due_at (backoff, rate limit). A rate limit does not count as
   * an attempt: only failures of our own request use up the bounded retries.
   */
  async requeue(
    deliveryId: string,
    claimToken: string,
    dueAt: Date,
    kind: DeliveryErrorKind,
    message: string,
    countsAsAttempt: boolean,
  ): Promise<boolean> {
    return this.transitionWithAudit(
      `UPDATE deliveries SET status = 'queued', due_at = $3, error_kind = $4, error_message = $5,
              attempts = CASE WHEN $6 THEN attempts ELSE greatest(attempts - 1, 0) END,
              claimed_at = NULL, claimed_by = NULL, updated_at = now()
        WHERE id = $1 AND status = 'publishing' AND claimed_by = $2`,
      [deliveryId, claimToken, dueAt, kind, message, countsAsAttempt],
      'delivery.retry_scheduled',
      `jsonb_build_object('status', 'queued', 'dueAt', u.due_at, 'errorKind', u.error_kind, 'message', u.error_message, 'attempts', u.attempts)`,
    );
  }

  /** approved/queued → failed without calling the network (channel needs re-authorisation or is disabled). */
  async failUnclaimed(deliveryId: string, kind: DeliveryErrorKind, message: string): Promise<boolean> {
    return this.transitionWithAudit(
      `UPDATE deliveries SET status = 'failed', error_kind = $2, error_message = $3, updated_at = now()
        WHERE id = $1 AND status IN ('approved', 'queued')`,
      [deliveryId, kind, message],
      'delivery.failed',
      `jsonb_build_object('status', 'failed', 'errorKind', u.error_kind, 'message', u.error_message)`,
    );
  }

  /** The post was cancelled after its job was queued. */
  async cancelUnclaimed(deliveryId: string): Promise<boolean> {
    const rows: unknown[] = sqlRows(await this.db.query(
      `UPDATE deliveries SET status = 'cancelled', updated_at = now()
        WHERE id = $1 AND status IN ('pending_approval', 'approved', 'queued') RETURNING id`,
      [deliveryId],
    ));
    return rows.length > 0;
  }

  /**
   * Every delivery of a submitted post still not approved (at the current version) when its
   * minute has come → skipped. Returns the ids. Safe to run from many workers at once.
   */
  async skipUnapprovedDue(deliveryId?: string): Promise<string[]> {
    const rows: Array<{ entity_id: string }> = sqlRows(await this.db.query(
      `WITH u AS (
         UPDATE deliveries d
            SET status = 'skipped', error_kind = 'not_approved', updated_at = now(),
                error_message = 'Not published: the partner had not approved this version of the post when it was due.'
           FROM posts p
          WHERE p.id = d.post_id AND p.submitted_at IS NOT NULL AND p.cancelled_at IS NULL
            AND d.status IN ('pending_approval', 'approved', 'queued')
            AND (d.approved_version IS DISTINCT FROM d.post_version OR p.version <> d.post_version)
            AND d.due_at <= now()
            ${deliveryId ? 'AND d.id = $1' : ''}
          RETURNING d.id, d.post_id, d.channel_id, d.error_kind, d.error_message
       )
       ${this.auditInsert('delivery.skipped', `jsonb_build_object('status', 'skipped', 'errorKind', u.error_kind, 'message', u.error_message)`)}`,
      deliveryId ? [deliveryId] : [],
    ));
    return rows.map((r) => r.entity_id);
  }

  /** Moves a waiting delivery's minute later (posting window full, channel rate-limited). */
  async postpone(deliveryId: string, dueAt: Date): Promise<boolean> {
    const rows: unknown[] = sqlRows(await this.db.query(
      `UPDATE deliveries SET due_at = greatest(due_at, $2), updated_at = now()
        WHERE id = $1 AND status IN ('approved', 'queued') RETURNING id`,
      [deliveryId, dueAt],
    ));
    return rows.length > 0;
  }

  /** After a rate limit, the channel's other waiting deliveries wait too, rather than each hitting the limit. */
  async postponeChannel(channelId: string, dueAt: Date): Promise<Array<{ id: string; postVersion: number }>> {
    const rows: Array<{ id: string; post_version: number }> = sqlRows(await this.db.query(
      `UPDATE deliveries SET due_at = $2, updated_at = now()
        WHERE channel_id = $1 AND status IN ('approved', 'queued') AND due_at < $2
        RETURNING id, post_version`,
      [channelId, dueAt],
    ));
    return rows.map((r) => ({ id: r.id, postVersion: Number(r.post_version) }));
  }

  /**
   * When the channel's posting limits next allow a publication: for each limit, if `posts`
   * publications already happened within the window, the window frees when the oldest of them
   * leaves it. null when a publication is allowed now. Counted by `published_at` alone, as the claim does.
   */
  async windowFreesAt(channelId: string, limits: Array<{ posts: number; windowMs: number }>): Promise<Date | null> {
    if (limits.length === 0) return null;
    const rows: Array<{ frees_at: Date | null }> = sqlRows(await this.db.query(
      `SELECT max(f.frees_at) AS frees_at
         FROM unnest($2::int[], $3::float8[]) AS l(posts, window_ms)
         CROSS JOIN LATERAL (
           SELECT published_at + l.window_ms * interval '1 millisecond' AS frees_at
             FROM deliveries
            WHERE channel_id = $1 AND published_at > now() - l.window_ms * interval '1 millisecond'
            ORDER BY published_at DESC OFFSET l.posts - 1 LIMIT 1) f`,
      [channelId, limits.map((l) => l.posts), limits.map((l) => l.windowMs)],
    ));
    return rows[0]?.frees_at ?? null;
  }

  /**
   * approved → queued for the given deliveries (approval workflow, retry, resume), returning
   * every one that is now queued and ready, for its job to be added.
   */
  async markQueued(deliveryIds: string[]): Promise<EnqueueRow[]> {
    if (deliveryIds.length === 0) return [];
    const rows: Array<{ id: string; post_version: number; due_at: Date; channel_id: string }> = sqlRows(await this.db.query(
      `UPDATE deliveries d SET status = 'queued', updated_at = now()
         FROM posts p
        WHERE d.id = ANY($1::uuid[]) AND p.id = d.post_id
          AND d.status IN ('approved', 'queued')
          AND d.approved_version = d.post_version AND p.version = d.post_version AND p.cancelled_at IS NULL
        RETURNING d.id, d.post_version, d.due_at, d.channel_id`,
      [deliveryIds],
    ));
    return rows.map((r) => ({ id: r.id, postVersion: Number(r.post_version), dueAt: r.due_at, channelId: r.channel_id }));
  }

  /**
   * Ready deliveries due before `horizon` on active channels: what the reconciler makes sure has a
   * job. Only what names the job: a release keeps thousands of rows within the horizon, read on
   * every pass in the worker's event loop (the rest of a missing one's row comes from markQueued).
   */
  async readyBefore(horizon: Date, limit: number): Promise<Array<{ id: string; postVersion: number }>> {
    const rows: Array<{ id: string; post_version: number }> = sqlRows(await this.db.query(
      `SELECT d.id, d.post_version
         FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN channels c ON c.id = d.channel_id
        WHERE d.status IN ('approved', 'queued') AND d.due_at <= $1
          AND d.approved_version = d.post_version AND p.version = d.post_version
          AND p.cancelled_at IS NULL AND c.status = 'active'
        ORDER BY d.due_at
        LIMIT $2`,
      [horizon, limit],
    ));
    return rows.map((r) => ({ id: r.id, postVersion: Number(r.post_version) }));
  }

  /** Deliveries in `publishing` whose claim lease has expired (their worker died or hung). */
  async stalePublishing(leaseMs: number, limit: number): Promise<Array<{ id: string; postVersion: number; attempts: number; channelId: string }>> {
    const rows: Array<{ id: string; post_version: number; attempts: number; channel_id: string }> = sqlRows(await this.db.query(
      `SELECT id, post_version, attempts, channel_id FROM deliveries
        WHERE status = 'publishing' AND (claimed_at IS NULL OR claimed_at < now() - $1 * interval '1 millisecond')
        ORDER BY claimed_at NULLS FIRST LIMIT $2`,
      [leaseMs, limit],
    ));
    return rows.map((r) => ({ id: r.id, postVersion: Number(r.post_version), attempts: Number(r.attempts), channelId: r.channel_id }));
  }

  /** Records that a channel lost its authorisation (the notification feature reads audit_events). */
  async auditChannel(channelId: string, action: string, after: Record<string, unknown>): Promise<void> {
    sqlRows(await this.db.query(
      `INSERT INTO audit_events (actor_label, action, entity_type, entity_id, partner_id, after)
       SELECT $2, $3, 'channel', c.id::text, c.partner_id, $4::jsonb FROM channels c WHERE c.id = $1`,
      [channelId, ACTOR, action, JSON.stringify(after)],
    ));
  }

  /** Runs a `UPDATE deliveries … WHERE …` (without RETURNING) and appends its audit row when it matched. */
  private async transitionWithAudit(update: string, params: unknown[], action: string, after: string): Promise<boolean> {
    const rows: unknown[] = sqlRows(await this.db.query(this.withAudit(update, action, after), params));
    return rows.length > 0;
  }

  private withAudit(update: string, action: string, after: string): string {
    return `WITH u AS (${update} RETURNING id, post_id, channel_id, attempts, error_kind, error_message, external_id, external_url, due_at)
       ${this.auditInsert(action, after)}`;
  }

  /**
   * The statements every publication runs (claim, record) go to the lane's connection as named
   * prepared statements: each connection parses and plans them once, not once per delivery, which
   * is a good part of Postgres' work per publication on a release.
   */
  private prepared<T = unknown>(name: string, text: string, values: unknown[]): Promise<T[]> {
    return this.connection.query<T>({ name, text, values });
  }

  private auditInsert(action: string, after: string): string {
    return `INSERT INTO audit_events (actor_label, action, entity_type, entity_id, campaign_id, post_id, partner_id, after)
            SELECT '${ACTOR}', '${action}', 'delivery', u.id::text, p.campaign_id, u.post_id, c.partner_id, ${after}
              FROM u JOIN posts p ON p.id = u.post_id JOIN channels c ON c.id = u.channel_id
            RETURNING entity_id`;
  }
}

type ClaimedDelivery = { row: DeliveryRow; channel: ClaimedChannel };

/** How many parameters recordUpdate takes (the claim's follow them in the combined statement). */
const RECORD_PARAMS = 6;

/**
 * approved/queued → publishing for a batch (see DeliveryTransitions.claim for the conditions),
 * with its parameters numbered from `$first`. Jobs of one channel never share a batch (each
 * process lines a channel's deliveries up, see DeliveryPublisher.withChannel); if two did, the
 * unique index would fail the statement and its inputs would be retried one by one.
 */
function claimUpdate(first: number): string {
  const $ = (k: number) => `$${first + k}`;
  return `UPDATE deliveries d
          SET status = 'publishing', claimed_at = now(), claimed_by = b.token, attempts = d.attempts + 1, updated_at = now()
         FROM unnest(${$(0)}::uuid[], ${$(1)}::int[], ${$(2)}::text[]) AS b(id, version, token), posts p, channels c
        WHERE d.id = b.id AND d.post_version = b.version AND p.id = d.post_id AND c.id = d.channel_id
          AND d.status IN ('approved', 'queued')
          AND d.approved_version = d.post_version AND p.version = d.post_version
          AND p.cancelled_at IS NULL AND c.status = 'active'
          AND d.due_at <= now() + ${DUE_TOLERANCE}
          AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.channel_id = d.channel_id AND o.status = 'publishing' OFFSET 0)
          AND NOT EXISTS (
            SELECT 1 FROM unnest(${$(3)}::text[], ${$(4)}::int[], ${$(5)}::float8[]) AS l(network, posts, window_ms)
             WHERE l.network = c.network
               AND (SELECT count(*) FROM (
                      SELECT 1 FROM deliveries w
                       WHERE w.channel_id = d.channel_id
                         AND w.published_at > now() - l.window_ms * interval '1 millisecond'
                       LIMIT l.posts) n) >= l.posts)
        RETURNING d.id, d.post_id, d.channel_id, p.campaign_id, c.partner_id, d.post_version, d.approved_version,
                  d.resolved_text, coalesce(d.resolved_link, p.link) AS link, p.media, d.due_at, d.attempts, d.idempotency_key,
                  c.network, c.handle, c.external_id, c.instance_url, c.credentials_encrypted`;
}

/** The claim statement's parameters for `inputs` (all with the same limits table), in claimUpdate's order. */
export function claimParams(inputs: ClaimInput[]): unknown[] {
  const { limits } = inputs[0];
  return [inputs.map((i) => i.deliveryId), inputs.map((i) => i.version), inputs.map((i) => i.claimToken), limits.networks, limits.posts, limits.windowMs];
}

/** The CTEs of publishing → published for a batch (`u` is the UPDATE), parameters from `$first`. */
function recordUpdate(first: number): string {
  const $ = (k: number) => `$${first + k}`;
  return `r AS (
         SELECT * FROM unnest(${$(0)}::uuid[], ${$(1)}::text[], ${$(2)}::text[], ${$(3)}::text[], ${$(4)}::timestamptz[], ${$(5)}::text[])
                    AS r(id, token, external_id, url, published_at, how)
       ), u AS (
         UPDATE deliveries d SET status = 'published', external_id = r.external_id, external_url = r.url, published_at = r.published_at,
                error_kind = NULL, error_message = NULL, updated_at = now()
           FROM r
          WHERE d.id = r.id AND d.status = 'publishing' AND d.claimed_by = r.token
          RETURNING d.id, d.post_id, d.channel_id, d.attempts, d.external_id, d.external_url, r.how
       )`;
}

function recordParams(inputs: PublishedInput[]): unknown[] {
  return [
    inputs.map((i) => i.deliveryId),
    inputs.map((i) => i.claimToken),
    inputs.map((i) => i.post.externalId),
    inputs.map((i) => i.post.url),
    inputs.map((i) => i.post.publishedAt),
    inputs.map((i) => i.how),
  ];
}

function claimedFrom(r: Record<string, unknown>): ClaimedDelivery {
    const postVersion = Number(r.post_version);
    return {
      row: {
        id: r.id as string,
        postId: r.post_id as string,
        channelId: r.channel_id as string,
        campaignId: r.campaign_id as string,
        partnerId: r.partner_id as string,
        status: 'publishing',
        postVersion,
        approvedVersion: Number(r.approved_version),
        currentPostVersion: postVersion,
        postCancelled: false,
        postSubmitted: true,
        resolvedText: r.resolved_text as string,
        link: (r.link as string | null) ?? null,
        media: (r.media as MediaItem[] | null) ?? [],
        dueAt: r.due_at as Date,
        isDue: true,
        attempts: Number(r.attempts),
        // The row was approved/queued: requeue clears claimed_at, so there was no earlier claim.
        claimedAt: null,
        claimStale: false,
        idempotencyKey: r.idempotency_key as string,
        channelStatus: 'active',
        network: r.network as Network,
        handle: r.handle as string,
        channelBusy: null,
      },
      channel: {
        id: r.channel_id as string,
        partnerId: r.partner_id as string,
        network: r.network as Network,
        handle: r.handle as string,
        externalId: r.external_id as string,
        instanceUrl: (r.instance_url as string | null) ?? null,
        credentialsEncrypted: (r.credentials_encrypted as string | null) ?? null,
      },
    };
}

/** The unique violation of deliveries_one_publishing_per_channel: another worker claimed the channel first. */
function isOnePublishingViolation(err: unknown): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === 'deliveries_one_publishing_per_channel';
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { auditInsertFrom } from '../../audit/audit.service';
import type { MediaItem } from '../../channels/adapters/network-adapter';
import type { ChannelStatus } from '../../channels/channel.entity';
import type { Network } from '../../channels/network';
import type { DeliveryErrorKind, DeliveryStatus } from './delivery.entity';

/**
 * The only code that writes the `deliveries` table: one named transition per change, each one
 * conditional UPDATE (or INSERT/DELETE for the post's own edits).
 *
 *                    approve                claim                  record
 *   pending_approval ───────▶ approved ─────────────▶ publishing ─────────▶ published
 *     ▲    │    │               │  ▲  ◀──────────────── │  │ ▲  reclaim (lease expired)
 *     │    │    │               │  │     requeue         │  └─┘
 *     │    │    │               │  │  (retry, limit)     │ fail
 *     │    │    │               │  └──── retry ───── failed ◀── failUnclaimed (channel unusable)
 *   edit   │    └── cancel ─────┴──────▶ cancelled
 *          └───── minute came, not approved at the post's version ─▶ skipped
 *
 * A partner that changes its mind before the minute takes `approved` back to `pending_approval`
 * (withdrawApproval).
 *
 * `approved` means "goes out at its minute": a delivery waiting for its first attempt and one
 * waiting for a retry look the same to a user (the error of the last attempt says why it waits).
 * Whether its wake-up sits in Redis is transport bookkeeping (`enqueued_at`: set when its job is
 * added, cleared when it leaves the horizon), never a status.
 *
 * Why this is safe with many workers and the API at once: every UPDATE names, in its WHERE, the
 * state it leaves (and, out of `publishing`, the claim token of the attempt), so of two racing
 * writers Postgres' row lock lets the first change the row and the second match nothing; callers
 * read "false"/"null" as "someone else moved it" and re-read. One delivery of a channel in
 * `publishing` at a time is a unique index (deliveries_one_publishing_per_channel): a claim that
 * races another for the same channel fails there and answers null. The claim skips a row another
 * transaction holds locked (SKIP LOCKED), so a held lock delays that delivery only; the batch
 * transitions (skip, promote) also skip or never match the rows other writers hold. Audit rows of
 * the worker's transitions are appended by the same statement (auditInsertFrom), so a change and
 * its audit row commit together. No statement relies on session state: every one runs on any
 * pooled connection (PgBouncer in transaction mode included).
 */

/** Approved at the version the post is at now (a later edit asks the partners again). */
const APPROVED_AT_CURRENT_VERSION = `d.approved_version IS NOT DISTINCT FROM d.post_version AND p.version = d.post_version`;
/** "Ready to publish", the one definition: `d` a delivery, `p` its post. Its channel must also be active to go out. */
const READY = `d.status = 'approved' AND ${APPROVED_AT_CURRENT_VERSION} AND p.cancelled_at IS NULL`;
/** States a delivery waits in before its attempt: what cancelling or moving a post changes. */
const WAITING = `('pending_approval', 'approved')`;
/** A job may fire slightly before Postgres' clock says the minute has come. */
const DUE_TOLERANCE = `interval '2 seconds'`;
const WORKER = 'publishing worker';
/** What each UPDATE of the worker's transitions returns, for its audit row. */
const RETURNING = `RETURNING d.id, d.post_id, p.campaign_id, c.partner_id, d.attempts, d.error_kind, d.error_message, d.external_id, d.external_url, d.due_at`;
const JOINED = `FROM posts p, channels c`;
const JOIN_ON = `p.id = d.post_id AND c.id = d.channel_id`;

/** What earlier attempts of a delivery left unsettled on the network (see attemptHistory). */
export interface AttemptHistory {
  /** An earlier attempt's answer was lost, so the network may hold the post: look before sending. */
  uncertain: boolean;
  /** Network-side handles those attempts left (Instagram container ids), oldest first. */
  attemptRefs: string[];
}

export interface DeliveryRow {
  id: string;
  postId: string;
  channelId: string;
  campaignId: string;
  partnerId: string;
  status: DeliveryStatus;
  postVersion: number;
  /** Ready to publish (see READY); `status` alone says `approved` even for an outdated approval. */
  ready: boolean;
  postCancelled: boolean;
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

/** What a job is added for: its id is made of the delivery and the version. */
export interface EnqueueRow {
  id: string;
  postVersion: number;
  dueAt: Date;
  channelId: string;
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

export interface ClaimedDelivery {
  row: DeliveryRow;
  channel: ClaimedChannel;
}

/** Every network's posting limits per account, as the claim takes them (three parallel arrays). */
export interface PostingLimitTable {
  networks: string[];
  posts: number[];
  windowMs: number[];
}

export interface PublishedPostRecord {
  externalId: string;
  url: string | null;
  publishedAt: Date;
}

/** A delivery a post's edit moved or cancelled: `hadJob` says whether a wake-up may sit in Redis. */
export interface ChangedDelivery {
  id: string;
  postVersion: number;
  status: DeliveryStatus;
  hadJob: boolean;
}

/**
 * The claim: approved → publishing, only if the delivery is still ready at the job's version, its
 * channel active, its minute come, no other delivery of the channel publishing, and the channel's
 * posting limits leave room. One statement returns everything the publication needs.
 *
 * The "already publishing" check is fenced (`OFFSET 0`) so it stays a lookup of the channel in
 * deliveries_one_publishing_per_channel: as a plain NOT EXISTS Postgres may read that partial
 * index whole for every row (see migration PublishingProbeByChannel). The posting-window count
 * uses `published_at` alone so that deliveries_channel_window_idx serves it (migration
 * ChannelWindowIndex). A row another transaction holds locked is skipped (SKIP LOCKED): the claim
 * matches nothing and the job looks again shortly, instead of holding a connection while it waits.
 */
export const CLAIM_SQL = `UPDATE deliveries d
    SET status = 'publishing', claimed_at = now(), claimed_by = $3, attempts = d.attempts + 1, updated_at = now()
   ${JOINED}
  WHERE d.id = (SELECT l.id FROM deliveries l WHERE l.id = $1 FOR UPDATE SKIP LOCKED)
    AND d.post_version = $2 AND ${JOIN_ON}
    AND ${READY} AND c.status = 'active'
    AND d.due_at <= now() + ${DUE_TOLERANCE}
    AND NOT EXISTS (SELECT 1 FROM deliveries o WHERE o.channel_id = d.channel_id AND o.status = 'publishing' OFFSET 0)
    AND NOT EXISTS (
      SELECT 1 FROM unnest($4::text[], $5::int[], $6::float8[]) AS l(network, posts, window_ms)
       WHERE l.network = c.network
         AND (SELECT count(*) FROM (
                SELECT 1 FROM deliveries w
                 WHERE w.channel_id = d.channel_id
                   AND w.published_at > now() - l.window_ms * interval '1 millisecond'
                 LIMIT l.posts) n) >= l.posts)
  RETURNING d.id, d.post_id, d.channel_id, p.campaign_id, c.partner_id, d.post_version, d.resolved_text, coalesce(d.resolved_link, p.link) AS link, p.media,
            d.due_at, d.attempts, d.idempotency_key, c.network, c.handle, c.external_id, c.instance_url, c.credentials_encrypted`;

export function claimParams(deliveryId: string, version: number, claimToken: string, limits: PostingLimitTable): unknown[] {
  return [deliveryId, version, claimToken, limits.networks, limits.posts, limits.windowMs];
}

@Injectable()
export class DeliveryRepository {
  constructor(private readonly db: DataSource) {}

  // ─── Reads ─────────────────────────────────────────────────────────────────

  async load(deliveryId: string, leaseMs: number): Promise<DeliveryRow | null> {
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT d.id, d.post_id, d.channel_id, p.campaign_id, c.partner_id, d.status, d.post_version,
              (${READY}) AS ready, p.cancelled_at IS NOT NULL AS post_cancelled,
              d.resolved_text, coalesce(d.resolved_link, p.link) AS link, p.media, d.due_at,
              d.due_at <= now() + ${DUE_TOLERANCE} AS is_due, d.attempts, d.claimed_at,
              coalesce(d.claimed_at < now() - $2 * interval '1 millisecond', true) AS claim_stale,
              d.idempotency_key, c.status AS channel_status, c.network, c.handle,
              (SELECT CASE WHEN coalesce(o.claimed_at < now() - $2 * interval '1 millisecond', true) THEN 'abandoned' ELSE 'live' END
                 FROM deliveries o WHERE o.channel_id = d.channel_id AND o.status = 'publishing' AND o.id <> d.id) AS channel_busy
         FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN channels c ON c.id = d.channel_id
        WHERE d.id = $1`,
      [deliveryId, leaseMs],
    );
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
      ready: Boolean(r.ready),
      postCancelled: Boolean(r.post_cancelled),
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
   * When the channel's posting limits next allow a publication: for each limit, if `posts`
   * publications already happened within the window, the window frees when the oldest of them
   * leaves it. null when a publication is allowed now. Counted by `published_at` alone, as the claim does.
   */
  async windowFreesAt(channelId: string, limits: Array<{ posts: number; windowMs: number }>): Promise<Date | null> {
    if (limits.length === 0) return null;
    const rows: Array<{ frees_at: Date | null }> = await this.db.query(
      `SELECT max(f.frees_at) AS frees_at
         FROM unnest($2::int[], $3::float8[]) AS l(posts, window_ms)
         CROSS JOIN LATERAL (
           SELECT published_at + l.window_ms * interval '1 millisecond' AS frees_at
             FROM deliveries
            WHERE channel_id = $1 AND published_at > now() - l.window_ms * interval '1 millisecond'
            ORDER BY published_at DESC OFFSET l.posts - 1 LIMIT 1) f`,
      [channelId, limits.map((l) => l.posts), limits.map((l) => l.windowMs)],
    );
    return rows[0]?.frees_at ?? null;
  }

  /** Deliveries in `publishing` whose claim lease has expired (their worker died or hung). */
  async stalePublishing(leaseMs: number, limit: number): Promise<Array<EnqueueRow & { attempts: number }>> {
    const rows: Array<{ id: string; post_version: number; attempts: number; channel_id: string }> = await this.db.query(
      `SELECT id, post_version, attempts, channel_id FROM deliveries
        WHERE status = 'publishing' AND (claimed_at IS NULL OR claimed_at < now() - $1 * interval '1 millisecond')
        ORDER BY claimed_at NULLS FIRST LIMIT $2`,
      [leaseMs, limit],
    );
    return rows.map((r) => ({ id: r.id, postVersion: Number(r.post_version), attempts: Number(r.attempts), channelId: r.channel_id, dueAt: new Date() }));
  }

  /**
   * Ready deliveries on active channels whose job was added but whose minute passed more than
   * `graceMs` ago: their job should have run by now. The reconciler asks BullMQ about each.
   */
  async overdueWithJob(graceMs: number, limit: number): Promise<EnqueueRow[]> {
    const rows: Array<{ id: string; post_version: number; due_at: Date; channel_id: string }> = await this.db.query(
      `SELECT d.id, d.post_version, d.due_at, d.channel_id
         FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN channels c ON c.id = d.channel_id
        WHERE ${READY} AND c.status = 'active' AND d.enqueued_at IS NOT NULL
          AND d.due_at < now() - $1 * interval '1 millisecond'
        ORDER BY d.due_at LIMIT $2`,
      [graceMs, limit],
    );
    return rows.map(enqueueRow);
  }

  /** The ready deliveries of a channel (what resuming it sends on its way). */
  async readyOfChannel(channelId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT d.id FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE d.channel_id = $1 AND ${READY}`,
      [channelId],
    );
    return rows.map((r) => r.id);
  }

  // ─── The post's own edits (PostService, in its transaction) ─────────────────

  /**
   * The deliveries of a post's version: one per target channel, waiting for approval of that
   * version (an edit asks again); deliveries of channels no longer targeted go. Only waiting or
   * final-but-unpublished rows are ever here: PostService refuses to edit a post once any delivery
   * started.
   */
  async writeVersion(tx: EntityManager, postId: string, version: number, dueAt: Date, targets: Array<{ channelId: string; text: string; link: string | null }>): Promise<void> {
    await tx.query(`DELETE FROM deliveries WHERE post_id = $1 AND NOT (channel_id = ANY($2::uuid[]))`, [postId, targets.map((t) => t.channelId)]);
    await tx.query(
      `INSERT INTO deliveries (post_id, channel_id, resolved_text, resolved_link, post_version, due_at, status)
         SELECT $1, r.channel_id, r.text, r.link, $2, $3, 'pending_approval'
           FROM jsonb_to_recordset($4::jsonb) AS r(channel_id uuid, text text, link text)
       ON CONFLICT (post_id, channel_id) DO UPDATE
         SET resolved_text = EXCLUDED.resolved_text, resolved_link = EXCLUDED.resolved_link, post_version = EXCLUDED.post_version, due_at = EXCLUDED.due_at,
             status = 'pending_approval', attempts = 0, error_kind = NULL, error_message = NULL, enqueued_at = NULL, updated_at = now()`,
      [postId, version, dueAt, JSON.stringify(targets.map((t) => ({ channel_id: t.channelId, text: t.text, link: t.link })))],
    );
  }

  /** The text and link a delivery will send, with the post's link replaced by its own tracked link (before approval). */
  async useLinkInText(tx: EntityManager, deliveryId: string, link: string, replacement: string): Promise<void> {
    await tx.query(`UPDATE deliveries SET resolved_text = replace(resolved_text, $2, $3), resolved_link = $3, updated_at = now() WHERE id = $1`, [deliveryId, link, replacement]);
  }

  /**
   * A post moved: its waiting deliveries move with it. Their wake-ups (if any) are now wrong:
   * the marker is cleared, the caller removes them and adds what falls within the horizon.
   */
  async moveWaiting(tx: EntityManager, postId: string, dueAt: Date): Promise<ChangedDelivery[]> {
    const [rows]: [Array<{ id: string; post_version: number; status: DeliveryStatus; had_job: boolean }>, number] = await tx.query(
      `UPDATE deliveries d SET due_at = $2, enqueued_at = NULL, updated_at = now()
         FROM deliveries prev
        WHERE prev.id = d.id AND d.post_id = $1 AND d.status IN ${WAITING}
        RETURNING d.id, d.post_version, d.status, prev.enqueued_at IS NOT NULL AS had_job`,
      [postId, dueAt],
    );
    return rows.map((r) => ({ id: r.id, postVersion: Number(r.post_version), status: r.status, hadJob: r.had_job }));
  }

  /** A post cancelled: what had not started is cancelled (one being sent finishes). */
  async cancelWaitingOfPost(tx: EntityManager, postId: string): Promise<ChangedDelivery[]> {
    const [rows]: [Array<{ id: string; post_version: number; had_job: boolean }>, number] = await tx.query(
      `UPDATE deliveries d SET status = 'cancelled', enqueued_at = NULL, updated_at = now()
         FROM deliveries prev
        WHERE prev.id = d.id AND d.post_id = $1 AND d.status IN ${WAITING}
        RETURNING d.id, d.post_version, prev.enqueued_at IS NOT NULL AS had_job`,
      [postId],
    );
    return rows.map((r) => ({ id: r.id, postVersion: Number(r.post_version), status: 'cancelled', hadJob: r.had_job }));
  }

  // ─── Approvals ─────────────────────────────────────────────────────────────

  /** pending_approval → approved for a partner's channels, at the version they decided on. */
  async approve(tx: EntityManager, postId: string, partnerId: string, version: number): Promise<string[]> {
    const [rows]: [Array<{ id: string }>, number] = await tx.query(
      `UPDATE deliveries d SET status = 'approved', approved_version = $3, updated_at = now()
         FROM channels c
        WHERE c.id = d.channel_id AND c.partner_id = $2 AND d.post_id = $1
          AND d.post_version = $3 AND d.status = 'pending_approval'
        RETURNING d.id`,
      [postId, partnerId, version],
    );
    return rows.map((r) => r.id);
  }

  /**
   * approved → pending_approval for a partner that changed its mind: its deliveries of that
   * version not yet due. The claim takes approved rows only, so a row taken back here can no
   * longer be claimed; its wake-up (hadJob) is for the caller to remove.
   */
  async withdrawApproval(tx: EntityManager, postId: string, partnerId: string, version: number): Promise<ChangedDelivery[]> {
    const [rows]: [Array<{ id: string; post_version: number; had_job: boolean }>, number] = await tx.query(
      `UPDATE deliveries d SET status = 'pending_approval', approved_version = NULL, enqueued_at = NULL, updated_at = now()
         FROM deliveries prev, channels c
        WHERE prev.id = d.id AND c.id = d.channel_id AND c.partner_id = $2 AND d.post_id = $1
          AND d.post_version = $3 AND d.status = 'approved' AND d.due_at > now()
        RETURNING d.id, d.post_version, prev.enqueued_at IS NOT NULL AS had_job`,
      [postId, partnerId, version],
    );
    return rows.map((r) => ({ id: r.id, postVersion: Number(r.post_version), status: 'pending_approval', hadJob: r.had_job }));
  }

  // ─── Manager operations ────────────────────────────────────────────────────

  /** failed → approved, attempts reset, due now (or at its minute if still ahead). False when edited or cancelled since. */
  async retryFailed(deliveryId: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE deliveries d SET status = 'approved', attempts = 0, error_kind = NULL, error_message = NULL, enqueued_at = NULL,
              due_at = greatest(d.due_at, now()), claimed_at = NULL, claimed_by = NULL, updated_at = now()
         FROM posts p
        WHERE d.id = $1 AND p.id = d.post_id AND d.status = 'failed'
          AND ${APPROVED_AT_CURRENT_VERSION} AND p.cancelled_at IS NULL
        RETURNING d.id`,
      [deliveryId],
    );
    return rows.length > 0;
  }

  // ─── Wake-ups (scheduler, promoter, reconciler) ────────────────────────────

  /**
   * Of `deliveryIds`, the ready ones on active channels due before `horizon` are marked as having
   * a job, and returned for the caller to add it. The others keep waiting in Postgres alone, and
   * so does a row another transaction holds locked: the promoter marks it once it is free.
   */
  async markEnqueued(deliveryIds: string[], horizon: Date): Promise<EnqueueRow[]> {
    if (deliveryIds.length === 0) return [];
    const [rows]: [Array<{ id: string; post_version: number; due_at: Date; channel_id: string }>, number] = await this.db.query(
      `UPDATE deliveries d SET enqueued_at = now()
         ${JOINED}
        WHERE d.id IN (SELECT l.id FROM deliveries l WHERE l.id = ANY($1::uuid[]) FOR UPDATE SKIP LOCKED)
          AND ${JOIN_ON} AND ${READY} AND c.status = 'active' AND d.due_at <= $2
        RETURNING d.id, d.post_version, d.due_at, d.channel_id`,
      [deliveryIds, horizon],
    );
    return rows.map(enqueueRow);
  }

  /**
   * The promoter's step: up to `limit` ready deliveries on active channels, due before
   * `horizon`, that have no job yet, are marked and returned (earliest first). Rows another
   * promoter is marking are skipped, so promoters in several workers share the work.
   */
  async promote(horizon: Date, limit: number): Promise<EnqueueRow[]> {
    const [rows]: [Array<{ id: string; post_version: number; due_at: Date; channel_id: string }>, number] = await this.db.query(
      `UPDATE deliveries m SET enqueued_at = now()
         FROM (SELECT d.id FROM deliveries d JOIN posts p ON p.id = d.post_id JOIN channels c ON c.id = d.channel_id
                WHERE ${READY} AND c.status = 'active' AND d.enqueued_at IS NULL AND d.due_at <= $1
                ORDER BY d.due_at LIMIT $2
                FOR UPDATE OF d SKIP LOCKED) due
        WHERE m.id = due.id AND m.enqueued_at IS NULL
        RETURNING m.id, m.post_version, m.due_at, m.channel_id`,
      [horizon, limit],
    );
    return rows.map(enqueueRow);
  }

  /** The job of a waiting delivery ended because its minute is beyond the horizon: the promoter adds a new one in time. */
  async leaveQueue(deliveryId: string, horizon: Date): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE deliveries SET enqueued_at = NULL WHERE id = $1 AND status = 'approved' AND due_at > $2 RETURNING id`,
      [deliveryId, horizon],
    );
    return rows.length > 0;
  }

  // ─── The worker's transitions ──────────────────────────────────────────────

  /** See CLAIM_SQL. null when any condition fails (the caller then reads the delivery to find out which). */
  async claim(deliveryId: string, version: number, claimToken: string, limits: PostingLimitTable): Promise<ClaimedDelivery | null> {
    let rows: Array<Record<string, unknown>>;
    try {
      [rows] = await this.db.query(CLAIM_SQL, claimParams(deliveryId, version, claimToken, limits));
    } catch (err) {
      if (isOnePublishingViolation(err)) return null;
      throw err;
    }
    return rows[0] ? claimedFrom(rows[0]) : null;
  }

  /** publishing → publishing under a new token: takes over a claim whose lease expired (its worker died or hung). */
  async reclaimStale(deliveryId: string, claimToken: string, leaseMs: number): Promise<number | null> {
    const [rows]: [Array<{ attempts: number }>, number] = await this.db.query(
      `UPDATE deliveries SET claimed_at = now(), claimed_by = $2, attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status = 'publishing'
          AND (claimed_at IS NULL OR claimed_at < now() - $3 * interval '1 millisecond')
        RETURNING attempts`,
      [deliveryId, claimToken, leaseMs],
    );
    return rows[0] ? Number(rows[0].attempts) : null;
  }

  /** Keeps our claim fresh while a slow network call runs, so nobody takes it over. */
  async renewClaim(deliveryId: string, claimToken: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE deliveries SET claimed_at = now() WHERE id = $1 AND status = 'publishing' AND claimed_by = $2 RETURNING id`,
      [deliveryId, claimToken],
    );
    return rows.length > 0;
  }

  // ─── What an attempt whose answer was lost leaves behind ───────────────────
  // Not status changes: the memory that makes later attempts look on the network first
  // (uncertain_since) and the refs an adapter asked to keep (attempt_refs: Instagram containers).
  // Both belong to the attempt in progress, so each write requires its claim token. Written only
  // on those rare paths and read only by a retry: the common publication never touches them.

  /** Read by a retry (attempts > 1) before it talks to the network. */
  async attemptHistory(deliveryId: string): Promise<AttemptHistory> {
    const rows: Array<{ uncertain_since: Date | null; attempt_refs: string[] | null }> = await this.db.query(
      `SELECT uncertain_since, attempt_refs FROM deliveries WHERE id = $1`,
      [deliveryId],
    );
    return { uncertain: Boolean(rows[0]?.uncertain_since), attemptRefs: rows[0]?.attempt_refs ?? [] };
  }

  /** This attempt's answer was lost (or its worker died): from now on every attempt looks first. */
  async markUncertain(deliveryId: string, claimToken: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE deliveries SET uncertain_since = coalesce(uncertain_since, now())
        WHERE id = $1 AND status = 'publishing' AND claimed_by = $2 RETURNING id`,
      [deliveryId, claimToken],
    );
    return rows.length > 0;
  }

  /** Keeps a ref of this attempt, written before the call that may publish it. */
  async rememberAttemptRef(deliveryId: string, claimToken: string, ref: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE deliveries SET attempt_refs = array_append(attempt_refs, $3::text)
        WHERE id = $1 AND status = 'publishing' AND claimed_by = $2 RETURNING id`,
      [deliveryId, claimToken, ref],
    );
    return rows.length > 0;
  }

  /**
   * publishing → published, with its audit row, in one statement. False when our claim was taken
   * over. The delivery's campaign and partner (known from the claim) come as parameters: the
   * busiest statement of a release then joins nothing, which keeps it cheap to plan.
   */
  async markPublished(
    delivery: Pick<DeliveryRow, 'id' | 'campaignId' | 'partnerId'>,
    claimToken: string,
    post: PublishedPostRecord,
    how: 'published' | 'found_after_crash' | 'duplicate',
  ): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH u AS (
         UPDATE deliveries d SET status = 'published', external_id = $3, external_url = $4, published_at = $5,
                error_kind = NULL, error_message = NULL, enqueued_at = NULL, updated_at = now()
          WHERE d.id = $1 AND d.status = 'publishing' AND d.claimed_by = $2
          RETURNING d.id, d.post_id, d.attempts, d.external_id, d.external_url)
       ${auditInsertFrom({
         from: 'u',
         actorLabel: WORKER,
         action: 'delivery.published',
         entityType: 'delivery',
         entityId: 'u.id::text',
         campaignId: '$7::uuid',
         postId: 'u.post_id',
         partnerId: '$8::uuid',
         after: `jsonb_build_object('status', 'published', 'externalId', u.external_id, 'url', u.external_url, 'attempts', u.attempts, 'how', $6::text)`,
       })}`,
      [delivery.id, claimToken, post.externalId, post.url, post.publishedAt, how, delivery.campaignId, delivery.partnerId],
    );
    return rows.length > 0;
  }

  /** publishing → failed (no retry left, content refused, credentials refused). */
  async markFailed(deliveryId: string, claimToken: string, kind: DeliveryErrorKind, message: string): Promise<boolean> {
    return this.transition(
      `UPDATE deliveries d SET status = 'failed', error_kind = $3, error_message = $4, enqueued_at = NULL, updated_at = now()
         ${JOINED}
        WHERE d.id = $1 AND d.status = 'publishing' AND d.claimed_by = $2 AND ${JOIN_ON}`,
      [deliveryId, claimToken, kind, message],
      'delivery.failed',
      `jsonb_build_object('status', 'failed', 'errorKind', u.error_kind, 'message', u.error_message, 'attempts', u.attempts)`,
    );
  }

  /**
   * publishing → approved at a later minute (backoff, rate limit). A rate limit does not count as
   * an attempt: only failures of our own request use up the bounded retries.
   */
  async requeue(deliveryId: string, claimToken: string, dueAt: Date, kind: DeliveryErrorKind, message: string, countsAsAttempt: boolean): Promise<boolean> {
    return this.transition(
      `UPDATE deliveries d SET status = 'approved', due_at = $3, error_kind = $4, error_message = $5,
              attempts = CASE WHEN $6 THEN d.attempts ELSE greatest(d.attempts - 1, 0) END,
              claimed_at = NULL, claimed_by = NULL, updated_at = now()
         ${JOINED}
        WHERE d.id = $1 AND d.status = 'publishing' AND d.claimed_by = $2 AND ${JOIN_ON}`,
      [deliveryId, claimToken, dueAt, kind, message, countsAsAttempt],
      'delivery.retry_scheduled',
      `jsonb_build_object('status', 'approved', 'dueAt', u.due_at, 'errorKind', u.error_kind, 'message', u.error_message, 'attempts', u.attempts)`,
    );
  }

  /** approved → failed without calling the network (channel needs re-authorisation or is disabled). */
  async failUnclaimed(deliveryId: string, kind: DeliveryErrorKind, message: string): Promise<boolean> {
    return this.transition(
      `UPDATE deliveries d SET status = 'failed', error_kind = $2, error_message = $3, enqueued_at = NULL, updated_at = now()
         ${JOINED}
        WHERE d.id = $1 AND d.status = 'approved' AND ${JOIN_ON}`,
      [deliveryId, kind, message],
      'delivery.failed',
      `jsonb_build_object('status', 'failed', 'errorKind', u.error_kind, 'message', u.error_message)`,
    );
  }

  /** The post was cancelled after its job was added (the manager's cancel normally does this itself). */
  async cancelUnclaimed(deliveryId: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE deliveries d SET status = 'cancelled', enqueued_at = NULL, updated_at = now()
         FROM posts p
        WHERE d.id = $1 AND p.id = d.post_id AND p.cancelled_at IS NOT NULL AND d.status IN ${WAITING}
        RETURNING d.id`,
      [deliveryId],
    );
    return rows.length > 0;
  }

  /**
   * Every delivery of a submitted post still not approved at the post's version when its minute
   * has come → skipped. Returns the ids. Safe to run from many workers at once.
   */
  async skipUnapprovedDue(deliveryId?: string): Promise<string[]> {
    const rows: Array<{ entity_id: string }> = await this.db.query(
      this.withAudit(
        `UPDATE deliveries d
            SET status = 'skipped', error_kind = 'not_approved', enqueued_at = NULL, updated_at = now(),
                error_message = 'Not published: the partner had not approved this version of the post when it was due.'
           ${JOINED}
          WHERE ${JOIN_ON} AND p.submitted_at IS NOT NULL AND p.cancelled_at IS NULL
            AND d.status IN ${WAITING} AND NOT (${APPROVED_AT_CURRENT_VERSION})
            AND d.due_at <= now()
            ${deliveryId ? 'AND d.id = $1' : ''}`,
        'delivery.skipped',
        `jsonb_build_object('status', 'skipped', 'errorKind', u.error_kind, 'message', u.error_message)`,
      ),
      deliveryId ? [deliveryId] : [],
    );
    return rows.map((r) => r.entity_id);
  }

  /** Moves a waiting delivery's minute later (posting window full). */
  async postpone(deliveryId: string, dueAt: Date): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE deliveries SET due_at = greatest(due_at, $2), updated_at = now() WHERE id = $1 AND status = 'approved' RETURNING id`,
      [deliveryId, dueAt],
    );
    return rows.length > 0;
  }

  /** After a rate limit, the channel's other waiting deliveries wait too, rather than each hitting the limit. */
  async postponeChannel(channelId: string, dueAt: Date): Promise<number> {
    const [rows]: [unknown[], number] = await this.db.query(
      `UPDATE deliveries SET due_at = $2, updated_at = now() WHERE channel_id = $1 AND status = 'approved' AND due_at < $2 RETURNING id`,
      [channelId, dueAt],
    );
    return rows.length;
  }

  /** Runs an `UPDATE deliveries d … FROM posts p, channels c WHERE …` with its audit row; true when it matched. */
  private async transition(update: string, params: unknown[], action: string, after: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(this.withAudit(update, action, after), params);
    return rows.length > 0;
  }

  private withAudit(update: string, action: string, after: string): string {
    return `WITH u AS (${update} ${RETURNING})
      ${auditInsertFrom({
        from: 'u',
        actorLabel: WORKER,
        action,
        entityType: 'delivery',
        entityId: 'u.id::text',
        campaignId: 'u.campaign_id',
        postId: 'u.post_id',
        partnerId: 'u.partner_id',
        after,
      })}`;
  }
}

function enqueueRow(r: { id: string; post_version: number; due_at: Date; channel_id: string }): EnqueueRow {
  return { id: r.id, postVersion: Number(r.post_version), dueAt: r.due_at, channelId: r.channel_id };
}

function claimedFrom(r: Record<string, unknown>): ClaimedDelivery {
  return {
    row: {
      id: r.id as string,
      postId: r.post_id as string,
      channelId: r.channel_id as string,
      campaignId: r.campaign_id as string,
      partnerId: r.partner_id as string,
      status: 'publishing',
      postVersion: Number(r.post_version),
      ready: true,
      postCancelled: false,
      resolvedText: r.resolved_text as string,
      link: (r.link as string | null) ?? null,
      media: (r.media as MediaItem[] | null) ?? [],
      dueAt: r.due_at as Date,
      isDue: true,
      attempts: Number(r.attempts),
      // The row was approved: requeue clears claimed_at, so there was no earlier claim.
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
  const e = err as { code?: unknown; constraint?: unknown; driverError?: { code?: unknown; constraint?: unknown } } | null;
  const pg = e?.driverError ?? e;
  return pg?.code === '23505' && pg.constraint === 'deliveries_one_publishing_per_channel';
}

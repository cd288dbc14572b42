import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { CampaignLanguages } from '../campaigns/campaign-languages';
import { AuditService } from '../audit/audit.service';
import { AttemptHistory, ClaimedChannel, DeliveryRepository, DeliveryRow, PostingLimitTable } from '../campaigns/deliveries/delivery.repository';
import { AdapterRegistry } from '../channels/adapters/adapter-registry';
import { ChannelContext, NetworkAdapter, PublishRequest, PublishedPost } from '../channels/adapters/network-adapter';
import { ChannelContextService } from '../channels/channel-context.service';
import { NETWORKS } from '../channels/network';
import { ENV, Env } from '../config/env';
import { MetricsService } from '../metrics/metrics.service';
import { NotificationService } from '../notifications/notification.service';
import { AppPacer } from './app-pacer.service';
import { PublishDeliveryJob } from './publish-job';
import { asNetworkError, decide, MAX_PUBLISH_ATTEMPTS } from './retry-policy';

/** What the job should do next: nothing (finished, not ours, or back to Postgres alone), or wake up again at `until`. */
export type PublishOutcome = { kind: 'done' } | { kind: 'wait'; until: Date };

const DONE: PublishOutcome = { kind: 'done' };
/** Lookups reach this far before the earliest moment the post could have gone out (clocks drift, claims are renewed). */
const LOOKUP_MARGIN_MS = 5 * 60_000;
/** A delivery whose channel another worker is publishing on steps back this long (plus jitter) and looks again. */
const CHANNEL_BUSY_WAIT_MS = 100;
/** …and this long while the channel is held by an abandoned claim, which only the reconciler's lookup resolves. */
const CHANNEL_ABANDONED_WAIT_MS = 2_000;

interface Attempt {
  row: DeliveryRow;
  adapter: NetworkAdapter;
  claimToken: string;
  attempts: number;
  channel: ChannelContext;
  request: PublishRequest;
  since: Date;
  /** An earlier attempt's answer was lost: the network may already hold the post. */
  uncertain: boolean;
  /** The adapter can list this account's posts (else only the network's duplicate answer tells). */
  canList: boolean;
}

const FIRST_ATTEMPT: AttemptHistory = { uncertain: false, attemptRefs: [] };

/**
 * Carries one delivery through the state machine of DESIGN.md "Publishing pipeline": claim in
 * Postgres, one publication at a time per channel, posting limits, then the network's answer
 * decides (see retry-policy.ts). A delivery found in `publishing` after its lease expired is
 * looked up on the network before anything is sent again.
 */
@Injectable()
export class DeliveryPublisher {
  private readonly logger = new Logger(DeliveryPublisher.name);
  private readonly leaseMs: number;
  private readonly workerId = `${os.hostname()}:${process.pid}`;
  /** Per channel, the tail of this process' line of deliveries waiting for it. */
  private readonly localTurns = new Map<string, Promise<void>>();
  /** Every adapter's posting limits, in the form the claim statement checks them. */
  private readonly limits: PostingLimitTable;
  private readonly horizonMs: number;
  /** How long a lost answer's request is given to land before the post is looked for (PUBLISH_RECHECK_MS). */
  private readonly recheckMs: number;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly adapters: AdapterRegistry,
    private readonly contexts: ChannelContextService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly pacer: AppPacer,
    private readonly metrics: MetricsService,
    @Inject(ENV) env: Env,
    private readonly languages: CampaignLanguages,
  ) {
    this.leaseMs = env.PUBLISH_LEASE_MS;
    this.horizonMs = env.PUBLISH_HORIZON_MINUTES * 60_000;
    this.recheckMs = env.PUBLISH_RECHECK_MS;
    this.limits = { networks: [], posts: [], windowMs: [] };
    for (const network of NETWORKS) {
      for (const limit of adapters.for(network).postingLimits) {
        this.limits.networks.push(network);
        this.limits.posts.push(limit.posts);
        this.limits.windowMs.push(limit.windowMs);
      }
    }
  }

  /**
   * The common case (a ready delivery whose minute has come) costs one claim statement under the
   * channel's lock, the network call and one record statement. Anything else (not due, edited,
   * cancelled, paused, window full, left in `publishing` by a dead worker…) makes the claim match
   * nothing, and the delivery is then read and dealt with case by case.
   */
  async handle(job: PublishDeliveryJob): Promise<PublishOutcome> {
    if (job.channelId) {
      const outcome = await this.withChannel(job.channelId, () => this.claimAndRun(job.deliveryId, job.version));
      if (outcome) return outcome;
    }
    return this.handleRead(job);
  }

  private async handleRead(job: PublishDeliveryJob): Promise<PublishOutcome> {
    const row = await this.deliveries.load(job.deliveryId, this.leaseMs);
    // A job for an older version: the delivery was edited and re-approved; its new job handles it.
    if (!row || row.postVersion !== job.version) return DONE;
    switch (row.status) {
      case 'published':
      case 'failed':
      case 'skipped':
      case 'cancelled':
        return DONE;
      case 'publishing':
        if (!row.claimStale) return this.waitFor(new Date((row.claimedAt?.getTime() ?? Date.now()) + this.leaseMs + 500));
        return this.withChannel(row.channelId, () => this.resumeAbandoned(row));
      default:
        return this.handleWaiting(row);
    }
  }

  private async handleWaiting(row: DeliveryRow): Promise<PublishOutcome> {
    if (row.postCancelled) {
      await this.deliveries.cancelUnclaimed(row.id);
      return DONE;
    }
    if (!row.ready) {
      if (row.isDue) await this.deliveries.skipUnapprovedDue(row.id);
      return DONE;
    }
    if (!row.isDue) return this.waitUntilDue(row.id, row.dueAt);
    // Paused: the delivery waits, without a job; resuming the channel enqueues it again.
    if (row.channelStatus === 'paused') return DONE;
    if (row.channelStatus !== 'active') {
      const why = row.channelStatus === 'needs_reauth' ? 'must be reconnected' : 'is disabled';
      await this.deliveries.failUnclaimed(
        row.id,
        'channel_unavailable',
        `Not published: the ${row.network} account ${row.handle} ${why}. Reconnect it, then retry this post.`,
      );
      return DONE;
    }
    // Another worker holds the channel (one publication at a time, enforced by Postgres): step back.
    if (row.channelBusy) return this.channelBusy(row.channelBusy);
    return this.withChannel(row.channelId, () => this.publishWaiting(row));
  }

  /** Under the channel's lock: claims and publishes, or null when the claim matched nothing. */
  private async claimAndRun(deliveryId: string, version: number): Promise<PublishOutcome | null> {
    const claimToken = this.newClaimToken();
    const claimed = await this.deliveries.claim(deliveryId, version, claimToken, this.limits);
    if (!claimed) return null;
    return this.run(claimed.row, this.adapters.for(claimed.row.network), claimToken, claimed.row.attempts, false, claimed.channel);
  }

  private async publishWaiting(row: DeliveryRow): Promise<PublishOutcome> {
    const published = await this.claimAndRun(row.id, row.postVersion);
    if (published) return published;
    const freesAt = await this.deliveries.windowFreesAt(row.channelId, this.adapters.for(row.network).postingLimits);
    if (freesAt && freesAt.getTime() > Date.now()) {
      await this.deliveries.postpone(row.id, freesAt);
      return this.waitUntilDue(row.id, freesAt);
    }
    // Lost the claim (cancelled, rescheduled, taken, or the channel taken by another worker meanwhile): look again shortly.
    return this.channelBusy('live');
  }

  private channelBusy(how: 'live' | 'abandoned'): PublishOutcome {
    const base = how === 'live' ? CHANNEL_BUSY_WAIT_MS : CHANNEL_ABANDONED_WAIT_MS;
    return this.waitFor(new Date(Date.now() + base + Math.floor(Math.random() * base)));
  }

  private async resumeAbandoned(row: DeliveryRow): Promise<PublishOutcome> {
    const claimToken = this.newClaimToken();
    const attempts = await this.deliveries.reclaimStale(row.id, claimToken, this.leaseMs);
    if (attempts === null) return this.waitFor(new Date(Date.now() + 200));
    this.logger.warn({ deliveryId: row.id, attempts }, 'resuming a delivery abandoned in publishing');
    return this.run(row, this.adapters.for(row.network), claimToken, attempts, true);
  }

  /** Our claim is held: keep it fresh while we talk to the network. `claimed` is the channel row the claim returned, if it did. */
  private async run(
    row: DeliveryRow,
    adapter: NetworkAdapter,
    claimToken: string,
    attempts: number,
    lookFirst: boolean,
    claimed?: ClaimedChannel,
  ): Promise<PublishOutcome> {
    const heartbeat = setInterval(() => {
      this.deliveries.renewClaim(row.id, claimToken).catch(() => undefined);
    }, Math.max(1000, Math.floor(this.leaseMs / 3)));
    try {
      const channel = claimed ? this.contexts.contextOf(claimed) : await this.contexts.load(row.channelId);
      // Only a retry can have a history (a lost answer always counts as an attempt).
      const history = attempts > 1 || lookFirst ? await this.deliveries.attemptHistory(row.id) : FIRST_ATTEMPT;
      // A worker died during the call: its outcome is as unknown as a lost answer's.
      if (lookFirst && !history.uncertain) await this.deliveries.markUncertain(row.id, claimToken);
      const uncertain = lookFirst || history.uncertain;
      const firstPossible = Math.min(row.dueAt.getTime(), row.claimedAt ? row.claimedAt.getTime() - this.leaseMs : Date.now());
      const attempt: Attempt = {
        row,
        adapter,
        claimToken,
        attempts,
        channel,
        request: {
          deliveryId: row.id,
          idempotencyKey: row.idempotencyKey,
          text: row.resolvedText,
          media: row.media,
          link: row.link,
          language: await this.languages.of(row.campaignId),
          attemptRefs: history.attemptRefs,
          rememberAttemptRef: async (ref) => {
            if (!(await this.deliveries.rememberAttemptRef(row.id, claimToken, ref))) throw new Error('the claim was taken over');
          },
        },
        since: new Date(firstPossible - LOOKUP_MARGIN_MS),
        uncertain,
        canList: adapter.canListPosts?.(channel) ?? true,
      };
      // Where posts cannot be listed, sending again is the look: the network's duplicate check answers.
      if (uncertain && attempt.canList) {
        const looked = await this.lookUp(attempt);
        if (looked !== 'absent') return looked;
        if (attempts > MAX_PUBLISH_ATTEMPTS) return this.giveUp(attempt);
      }
      return await this.publish(attempt, false);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * The last look after attempts whose answers were lost, made once the network had time to apply
   * them, shows no post: none of them went through, so "failed" is the truth.
   */
  private async giveUp(a: Attempt): Promise<PublishOutcome> {
    const message = `Not published: ${a.attempts - 1} attempts got no clear answer from ${a.row.network}, and ${a.row.handle} shows no such post. Retry it when the network is back.`;
    await this.deliveries.markFailed(a.row.id, a.claimToken, 'transient', message);
    await this.tell(a, 'delivery_failed', { deliveryId: a.row.id, postId: a.row.postId, channelId: a.row.channelId, handle: a.channel.handle, errorKind: 'transient', reason: message }, `failed:${a.row.id}`);
    return DONE;
  }

  /** 'absent' when the network shows the post is not there; otherwise the outcome already recorded. */
  private async lookUp(a: Attempt): Promise<PublishOutcome | 'absent'> {
    let found: PublishedPost | null;
    try {
      found = await a.adapter.findPublished(a.channel, a.request, a.since);
    } catch (raw) {
      const err = asNetworkError(raw);
      if (a.attempts >= MAX_PUBLISH_ATTEMPTS) {
        await this.deliveries.markFailed(
          a.row.id,
          a.claimToken,
          'unknown',
          `Could not confirm whether the post went out on ${a.row.handle} (${err.message}). Check the account before retrying it.`,
        );
        return DONE;
      }
      // Stay in `publishing` and let the claim lapse: the next look happens after the lease.
      return this.waitFor(new Date(Date.now() + this.leaseMs + 1000));
    }
    if (!found) return 'absent';
    await this.recordPublished(a, found, 'found_after_crash');
    return DONE;
  }

  /**
   * The network call, then its record (publishing → published) before the job ends: a worker
   * that dies between the two leaves the delivery `publishing`, and after the lease the
   * reconciler's job finds the post on the network (lookUp) before anything is sent again.
   */
  private async publish(a: Attempt, refreshed: boolean): Promise<PublishOutcome> {
    const app = a.adapter.appPostingLimits;
    const freesAt = app && !refreshed ? await this.pacer.take(app, a.row.id) : null;
    if (freesAt) {
      // The app's own limit (all its accounts together) is reached: wait for a slot, not an attempt.
      const message = `Waiting: the ${a.row.network} app has reached its posting limit across all accounts; it goes out when a slot frees.`;
      await this.deliveries.requeue(a.row.id, a.claimToken, freesAt, 'rate_limited', message, false);
      return this.waitUntilDue(a.row.id, freesAt);
    }
    let post: PublishedPost;
    try {
      post = await a.adapter.publish(a.channel, a.request);
    } catch (raw) {
      return this.onFailure(a, raw, refreshed);
    }
    const recorded = await this.recordPublished(a, post, 'published');
    if (!recorded) this.logger.error({ deliveryId: a.row.id }, 'published but the claim was taken over; the new owner will find it');
    return DONE;
  }

  /** publishing → published, and its lateness observed once the record holds. */
  private async recordPublished(a: Attempt, post: PublishedPost, how: 'published' | 'found_after_crash' | 'duplicate'): Promise<boolean> {
    const recorded = await this.deliveries.markPublished(a.row, a.claimToken, post, how);
    if (recorded) this.metrics.publicationRecorded(a.row.dueAt, post.publishedAt);
    return recorded;
  }

  private async onFailure(a: Attempt, raw: unknown, refreshed: boolean): Promise<PublishOutcome> {
    const err = asNetworkError(raw);
    const decision = decide(err, a.attempts, new Date(), {
      canRefresh: typeof a.adapter.refreshCredentials === 'function',
      refreshed,
      uncertain: a.uncertain,
      canList: a.canList,
      recheckMs: this.recheckMs,
    });
    const id = a.row.id;
    this.logger.warn({ deliveryId: id, kind: err.kind, code: err.options.networkCode, decision: decision.action }, 'publication failed');
    switch (decision.action) {
      case 'published_duplicate':
        await this.recordPublished(a, err.options.duplicateOf!, 'duplicate');
        return DONE;
      case 'find_original':
      case 'recheck_later': {
        if (!a.uncertain) await this.deliveries.markUncertain(id, a.claimToken);
        // A look at once settles the common case (a 5xx after the post was stored); an empty
        // result proves nothing yet, so the verdict waits for the look at retryAt.
        const found = a.canList ? await a.adapter.findPublished(a.channel, a.request, a.since).catch(() => null) : null;
        if (found) {
          await this.recordPublished(a, found, decision.action === 'find_original' ? 'duplicate' : 'found_after_crash');
          return DONE;
        }
        await this.deliveries.requeue(id, a.claimToken, decision.retryAt, err.kind, err.message, true);
        return this.waitUntilDue(id, decision.retryAt);
      }
      case 'refresh_credentials':
        try {
          const credentials = await a.adapter.refreshCredentials!(a.channel);
          await this.contexts.saveCredentials(a.channel.channelId, credentials);
          return await this.publish({ ...a, channel: { ...a.channel, credentials } }, true);
        } catch (refreshError) {
          const reason = asNetworkError(refreshError);
          return this.needsReauth(a, `${reason.message} The post was not published; reconnect the account, then retry it.`);
        }
      case 'needs_reauth':
        return this.needsReauth(a, decision.message);
      case 'retry':
        await this.deliveries.requeue(id, a.claimToken, decision.retryAt, err.kind, err.message, decision.countsAsAttempt);
        if (decision.delayChannel) await this.deliveries.postponeChannel(a.row.channelId, decision.retryAt);
        return this.waitUntilDue(id, decision.retryAt);
      case 'fail':
        await this.deliveries.markFailed(id, a.claimToken, err.kind, decision.message);
        await this.tell(a, 'delivery_failed', { deliveryId: id, postId: a.row.postId, channelId: a.row.channelId, handle: a.channel.handle, errorKind: err.kind, reason: decision.message }, `failed:${id}`);
        return DONE;
    }
  }

  /** The partner whose channel it is, and the managers, are told; a failure to tell never undoes the publication's record. */
  private async tell(a: Attempt, kind: 'delivery_failed' | 'channel_needs_reauth', payload: Record<string, unknown>, dedupeKey: string): Promise<void> {
    try {
      await this.notifications.notifyPartner(a.row.partnerId, kind, payload, { dedupeKey });
      await this.notifications.notifyManagers(kind, { ...payload, partnerId: a.row.partnerId }, { dedupeKey });
    } catch (err) {
      this.logger.error({ deliveryId: a.row.id, kind, err: err instanceof Error ? err.message : String(err) }, 'could not notify');
    }
  }

  private async needsReauth(a: Attempt, message: string): Promise<PublishOutcome> {
    const changed = await this.contexts.setStatus(a.row.channelId, 'needs_reauth', message, ['active']);
    // The notification feature reads this event to tell the partner.
    if (changed) {
      await this.audit.record({
        actor: { userId: null, label: 'publishing worker' },
        action: 'channel.needs_reauth',
        entityType: 'channel',
        entityId: a.row.channelId,
        partnerId: a.row.partnerId,
        after: { status: 'needs_reauth', reason: message },
      });
    }
    await this.deliveries.markFailed(a.row.id, a.claimToken, 'auth', message);
    const payload = { deliveryId: a.row.id, postId: a.row.postId, channelId: a.row.channelId, handle: a.channel.handle, errorKind: 'auth', reason: message };
    if (changed) await this.tell(a, 'channel_needs_reauth', payload, `reauth:${a.row.channelId}:${a.row.id}`);
    await this.tell(a, 'delivery_failed', payload, `failed:${a.row.id}`);
    return DONE;
  }

  /**
   * One publication at a time per channel. Across processes Postgres decides (the claim skips a
   * channel with a delivery in `publishing`, and a unique index settles races: see
   * DeliveryRepository.claim). Inside this process, deliveries of one channel line up behind
   * each other (no polling, no claim bound to lose).
   */
  private async withChannel<T extends PublishOutcome | null>(channelId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.localTurns.get(channelId) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const turn = previous.then(() => mine);
    this.localTurns.set(channelId, turn);
    const release = () => {
      done();
      if (this.localTurns.get(channelId) === turn) this.localTurns.delete(channelId);
    };
    try {
      await previous;
      return await fn();
    } finally {
      release();
    }
  }

  private waitFor(until: Date): PublishOutcome {
    return { kind: 'wait', until };
  }

  /**
   * A waiting (approved) delivery's next minute: its job waits for it, unless it lies beyond the
   * horizon, where Redis keeps nothing: the job ends and the promoter adds a new one in time.
   */
  private async waitUntilDue(deliveryId: string, until: Date): Promise<PublishOutcome> {
    const horizon = new Date(Date.now() + this.horizonMs);
    if (until > horizon && (await this.deliveries.leaveQueue(deliveryId, horizon))) return DONE;
    return this.waitFor(until);
  }

  private newClaimToken(): string {
    return `${this.workerId}:${randomUUID().slice(0, 8)}`;
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AdapterRegistry } from '../../channels/adapters/adapter-registry';
import { NetworkError } from '../../channels/adapters/network-adapter';
import { ChannelContextService } from '../../channels/channel-context.service';
import { MetricsService } from '../../metrics/metrics.service';
import { ANALYTICS_SETTINGS, AnalyticsSettings } from '../analytics-settings';
import { PollFollowersJob } from './follower-poll-job';

export type PollOutcome =
  | { outcome: 'count'; followers: number }
  | { outcome: 'not_available' }
  | { outcome: 'failed'; errorKind: string; retryAt: Date }
  | { outcome: 'skipped'; reason: string };

/**
 * Takes one follower snapshot through the channel's adapter and records what happened. Never
 * throws for a network problem: a failed poll is a row (outcome 'failed', its error class) and a
 * rescheduled next poll — never a made-up number, never fatal.
 */
@Injectable()
export class FollowerPoller {
  private readonly logger = new Logger(FollowerPoller.name);

  constructor(
    private readonly db: DataSource,
    private readonly contexts: ChannelContextService,
    private readonly adapters: AdapterRegistry,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
    private readonly metrics: MetricsService,
  ) {}

  async poll(job: PollFollowersJob, now = new Date()): Promise<PollOutcome> {
    const ctx = await this.contexts.load(job.channelId).catch(() => null);
    const result = await this.pollChannel(job, ctx, now);
    this.metrics.followerPolled(ctx?.network ?? 'unknown', result.outcome);
    return result;
  }

  private async pollChannel(job: PollFollowersJob, ctx: Awaited<ReturnType<ChannelContextService['load']>> | null, now: Date): Promise<PollOutcome> {
    if (!ctx) return { outcome: 'skipped', reason: 'channel deleted' };
    if (ctx.status !== 'active') return { outcome: 'skipped', reason: `channel ${ctx.status}` };
    try {
      const reading = await this.adapters.for(ctx.network).readFollowers(ctx);
      if (reading.followers === null) {
        await this.record(job, now, { outcome: 'not_available', posts: reading.posts });
        return { outcome: 'not_available' };
      }
      await this.record(job, now, { outcome: 'count', followers: reading.followers, posts: reading.posts });
      return { outcome: 'count', followers: reading.followers };
    } catch (err) {
      const kind = err instanceof NetworkError ? err.kind : 'unknown';
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      const retryAt = this.retryAt(err, now);
      await this.record(job, now, { outcome: 'failed', errorKind: kind, errorMessage: message }, retryAt);
      this.logger.warn(`Follower poll of channel ${job.channelId} failed (${kind}); next try at ${retryAt.toISOString()}`);
      return { outcome: 'failed', errorKind: kind, retryAt };
    }
  }

  /** rate_limited: when the network says it resets (else 15 min); auth: the normal interval (a person must act); else a short backoff. */
  private retryAt(err: unknown, now: Date): Date {
    const minutes = (m: number) => new Date(now.getTime() + m * 60_000);
    if (err instanceof NetworkError && err.kind === 'rate_limited') return err.options.retryAt ?? minutes(15);
    if (err instanceof NetworkError && err.kind === 'auth') return minutes(this.settings.snapshotIntervalMinutes);
    return minutes(Math.min(30, this.settings.snapshotIntervalMinutes));
  }

  private async record(
    job: PollFollowersJob,
    takenAt: Date,
    r: { outcome: 'count' | 'not_available' | 'failed'; followers?: number; posts?: number | null; errorKind?: string; errorMessage?: string },
    retryAt?: Date,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO follower_snapshots (channel_id, taken_at, outcome, followers, posts, source, error_kind, error_message, edge_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (channel_id, taken_at) DO NOTHING`,
        [job.channelId, takenAt, r.outcome, r.followers ?? null, r.posts ?? null, job.source, r.errorKind ?? null, r.errorMessage ?? null, edgeAt(job, takenAt)],
      );
      await tx.query(
        `INSERT INTO follower_poll_schedule (channel_id, next_poll_at, last_polled_at, last_outcome, consecutive_failures)
         VALUES ($1, coalesce($4::timestamptz, $2::timestamptz + make_interval(mins => $5::int)), $2, $3, CASE WHEN $3 = 'failed' THEN 1 ELSE 0 END)
         ON CONFLICT (channel_id) DO UPDATE SET
           last_polled_at = excluded.last_polled_at,
           last_outcome = excluded.last_outcome,
           consecutive_failures = CASE WHEN excluded.last_outcome = 'failed' THEN follower_poll_schedule.consecutive_failures + 1 ELSE 0 END,
           next_poll_at = CASE WHEN $4::timestamptz IS NOT NULL THEN $4::timestamptz ELSE follower_poll_schedule.next_poll_at END`,
        [job.channelId, takenAt, r.outcome, retryAt ?? null, this.settings.snapshotIntervalMinutes],
      );
    });
  }
}

/** The edge a reading was taken for; a job run before its edge (clock skew between hosts) is not an edge reading. */
function edgeAt(job: PollFollowersJob, takenAt: Date): Date | null {
  if (!job.edgeAt) return null;
  const edge = new Date(job.edgeAt);
  return Number.isNaN(edge.getTime()) || edge > takenAt ? null : edge;
}

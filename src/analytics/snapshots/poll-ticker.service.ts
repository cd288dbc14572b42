import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { ANALYTICS_SETTINGS, AnalyticsSettings } from '../analytics-settings';
import { SnapshotScheduler } from './snapshot-scheduler.service';

/**
 * The worker's follower-poll clock. Each tick: give new active channels a first poll time spread
 * over one interval (so a thousand channels do not fire at once), request the start/end snapshots
 * of campaigns whose boundary just passed, then claim due channels and enqueue their polls, spread
 * over the tick. Claims are conditional UPDATEs, so any number of workers may tick.
 */
@Injectable()
export class PollTicker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PollTicker.name);
  private running = false;

  constructor(
    private readonly db: DataSource,
    private readonly scheduler: SnapshotScheduler,
    private readonly schedules: SchedulerRegistry,
    @Inject(ANALYTICS_SETTINGS) private readonly settings: AnalyticsSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.schedules.addInterval('follower-poll-ticker', setInterval(() => void this.tick(), this.settings.pollTickMs));
  }

  onApplicationShutdown(): void {
    if (this.schedules.doesExist('interval', 'follower-poll-ticker')) this.schedules.deleteInterval('follower-poll-ticker');
  }

  /** `spreadMs`: polls claimed now are spread over this long (default: until the next tick). */
  async tick(spreadMs = this.settings.pollTickMs): Promise<{ boundaries: number; due: number }> {
    if (this.running) return { boundaries: 0, due: 0 };
    this.running = true;
    try {
      await this.db.query(
        `INSERT INTO follower_poll_schedule (channel_id, next_poll_at)
         SELECT id, now() + random() * make_interval(mins => $1::int) FROM channels WHERE status = 'active'
         ON CONFLICT (channel_id) DO NOTHING`,
        [this.settings.snapshotIntervalMinutes],
      );
      const boundaries = await this.requestBoundarySnapshots();
      const due = await this.claimDue();
      for (const channelId of due) await this.scheduler.requestSnapshot(channelId, 'schedule', Math.random() * spreadMs);
      return { boundaries, due: due.length };
    } catch (err) {
      this.logger.error(`Follower poll tick failed: ${err instanceof Error ? err.message : String(err)}`);
      return { boundaries: 0, due: 0 };
    } finally {
      this.running = false;
    }
  }

  /** A campaign boundary passed in the last day and not yet handled: snapshot every channel of its partners, once. */
  private async requestBoundarySnapshots(): Promise<number> {
    const passed: Array<{ campaign_id: string; boundary: 'start' | 'end'; at: Date }> = await this.db.query(
      `WITH inserted AS (
         INSERT INTO campaign_boundary_snapshots (campaign_id, boundary)
         SELECT id, b.boundary FROM campaigns
          CROSS JOIN LATERAL (VALUES ('start', starts_at), ('end', ends_at)) AS b(boundary, at)
          WHERE b.at <= now() AND b.at > now() - interval '1 day'
         ON CONFLICT DO NOTHING
         RETURNING campaign_id, boundary
       )
       SELECT i.campaign_id, i.boundary, CASE i.boundary WHEN 'start' THEN c.starts_at ELSE c.ends_at END AS at
         FROM inserted i JOIN campaigns c ON c.id = i.campaign_id`,
    );
    for (const p of passed) {
      const channels: Array<{ id: string }> = await this.db.query(
        `SELECT ch.id FROM campaign_partners cp JOIN channels ch ON ch.partner_id = cp.partner_id
          WHERE cp.campaign_id = $1 AND ch.status = 'active'`,
        [p.campaign_id],
      );
      // The reading is tied to its edge, so indicators use it for every window with that edge.
      for (const ch of channels) await this.scheduler.requestSnapshot(ch.id, p.boundary === 'start' ? 'campaign_start' : 'campaign_end', 0, new Date(p.at));
    }
    return passed.length;
  }

  /**
   * Claims due active channels and sets their next poll: the shortest snapshot interval among the
   * running campaigns (baseline included) their partner belongs to, else the default, ±10 % jitter.
   */
  private async claimDue(): Promise<string[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount].
    const [rows] = (await this.db.query(
      `WITH due AS (
         SELECT s.channel_id FROM follower_poll_schedule s JOIN channels ch ON ch.id = s.channel_id AND ch.status = 'active'
          WHERE s.next_poll_at <= now()
          ORDER BY s.next_poll_at LIMIT 1000
          FOR UPDATE OF s SKIP LOCKED
       ), interval_of AS (
         SELECT due.channel_id,
                coalesce(min(c.snapshot_interval_minutes) FILTER (WHERE now() BETWEEN c.baseline_starts_at AND c.ends_at), $1::int) AS minutes
           FROM due JOIN channels ch ON ch.id = due.channel_id
           LEFT JOIN campaign_partners cp ON cp.partner_id = ch.partner_id
           LEFT JOIN campaigns c ON c.id = cp.campaign_id
          GROUP BY due.channel_id
       )
       UPDATE follower_poll_schedule s
          SET next_poll_at = now() + make_interval(mins => i.minutes) * (0.9 + random() * 0.2)
         FROM interval_of i WHERE s.channel_id = i.channel_id
       RETURNING s.channel_id`,
      [this.settings.snapshotIntervalMinutes],
    )) as [Array<{ channel_id: string }>, number];
    return rows.map((r) => r.channel_id);
  }
}

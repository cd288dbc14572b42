import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ENV, Env } from '../config/env';
import { NotificationService } from './notification.service';

/**
 * Reminds each partner, once per post version, when a submitted post is due within
 * APPROVAL_REMINDER_HOURS and that partner still has not decided.
 */
@Injectable()
export class ApprovalReminderService {
  constructor(
    private readonly db: DataSource,
    private readonly notifications: NotificationService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async sendDue(now: Date = new Date()): Promise<number> {
    // Claim the (post, version, partner) triples first, so two workers never remind twice.
    const due = (await this.db.query(
      `INSERT INTO approval_reminders (post_id, post_version, partner_id)
       SELECT DISTINCT p.id, p.version, c.partner_id
         FROM posts p
         JOIN deliveries d ON d.post_id = p.id AND d.post_version = p.version AND d.status = 'pending_approval'
         JOIN channels c ON c.id = d.channel_id
        WHERE p.submitted_at IS NOT NULL AND p.cancelled_at IS NULL
          AND p.scheduled_at > $1 AND p.scheduled_at <= $1::timestamptz + make_interval(hours => $2)
          AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.post_id = p.id AND a.partner_id = c.partner_id AND a.post_version = p.version AND a.superseded_at IS NULL)
       ON CONFLICT DO NOTHING
       RETURNING post_id, post_version, partner_id`,
      [now, this.env.APPROVAL_REMINDER_HOURS],
    )) as Array<{ post_id: string; post_version: number; partner_id: string }>;
    for (const r of due) {
      const [post] = (await this.db.query(`SELECT campaign_id, scheduled_at FROM posts WHERE id = $1`, [r.post_id])) as Array<{ campaign_id: string; scheduled_at: Date }>;
      await this.notifications.notifyPartner(
        r.partner_id,
        'approval_reminder',
        { postId: r.post_id, version: r.post_version, campaignId: post?.campaign_id, scheduledAt: post?.scheduled_at.toISOString() },
        { dedupeKey: `reminder:${r.post_id}:${r.post_version}` },
      );
    }
    return due.length;
  }
}

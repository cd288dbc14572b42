import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface PendingDelivery {
  deliveryId: string;
  channelId: string;
  network: string;
  handle: string;
  displayName: string | null;
  /** Exactly what will be published on that channel. */
  resolvedText: string;
}

/**
 * Whether approval `a` (of post `p`) may still be revised: it is the current decision on the
 * post's current version, the post is not cancelled, and none of the partner's deliveries of that
 * version has started or is due. Shared by the inbox and the revision service's check.
 */
export const CHANGEABLE_SQL = `
  a.superseded_at IS NULL AND a.post_version = p.version AND p.cancelled_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM deliveries d JOIN channels c ON c.id = d.channel_id
                   WHERE d.post_id = a.post_id AND c.partner_id = a.partner_id AND d.post_version = a.post_version
                     AND (d.status NOT IN ('pending_approval', 'approved') OR d.due_at <= now()))
  AND EXISTS (SELECT 1 FROM deliveries d JOIN channels c ON c.id = d.channel_id
               WHERE d.post_id = a.post_id AND c.partner_id = a.partner_id AND d.post_version = a.post_version)`;

/** What is published on a partner's channels for one post version: the text per channel, media, link. */
@Injectable()
export class ApprovalInboxService {
  constructor(private readonly db: DataSource) {}

  /** The partner's deliveries of the post at its current version. */
  async deliveriesFor(postId: string, partnerId: string, version: number): Promise<PendingDelivery[]> {
    return (await this.db.query(
      `SELECT d.id AS "deliveryId", c.id AS "channelId", c.network, c.handle, c.display_name AS "displayName", d.resolved_text AS "resolvedText"
         FROM deliveries d JOIN channels c ON c.id = d.channel_id
        WHERE d.post_id = $1 AND c.partner_id = $2 AND d.post_version = $3 AND d.status <> 'cancelled'
        ORDER BY c.network, c.handle`,
      [postId, partnerId, version],
    )) as PendingDelivery[];
  }

  /** Submitted posts awaiting this partner's decision on their current version, soonest first, and its past decisions. */
  async inbox(partnerId: string) {
    const posts = (await this.db.query(
      `SELECT p.id AS "postId", p.campaign_id AS "campaignId", camp.name AS "campaignName", p.version,
              p.scheduled_at AS "scheduledAt", p.link, p.media
         FROM posts p JOIN campaigns camp ON camp.id = p.campaign_id
        WHERE p.submitted_at IS NOT NULL AND p.cancelled_at IS NULL
          AND EXISTS (SELECT 1 FROM deliveries d JOIN channels c ON c.id = d.channel_id
                       WHERE d.post_id = p.id AND c.partner_id = $1 AND d.post_version = p.version AND d.status = 'pending_approval')
          AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.post_id = p.id AND a.partner_id = $1 AND a.post_version = p.version AND a.superseded_at IS NULL)
        ORDER BY p.scheduled_at, p.id
        LIMIT 200`,
      [partnerId],
    )) as Array<{ postId: string; version: number }>;
    const pending = [];
    for (const post of posts) {
      pending.push({ ...post, deliveries: await this.deliveriesFor(post.postId, partnerId, post.version) });
    }
    const history = await this.db.query(
      // changeable: the partner may still change its mind (current decision, nothing of it gone out, not yet due).
      `SELECT a.id, a.post_id AS "postId", a.post_version AS version, a.decision, a.comment, a.via,
              a.decided_by AS "decidedBy", a.decided_at AS "decidedAt", a.superseded_at AS "supersededAt",
              (${CHANGEABLE_SQL}) AS changeable
         FROM approvals a JOIN posts p ON p.id = a.post_id
        WHERE a.partner_id = $1 ORDER BY a.decided_at DESC LIMIT 200`,
      [partnerId],
    );
    return { partnerId, pending, history };
  }
}

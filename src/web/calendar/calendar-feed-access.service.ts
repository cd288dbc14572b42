import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../../auth/authenticated-user';
import { DomainError } from '../../common/errors/domain-error';
import type { Viewer } from '../../common/viewer';
import { ENV, type Env } from '../../config/env';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Who may read a calendar feed. Calendar apps cannot send our session cookie, so each user gets a
 * secret address per campaign: a row in calendar_feeds whose key is an HMAC of the row's id. The
 * feed is read as that user would read the calendar (a partner user sees its own posts only),
 * only while the user is active and may still see the campaign; revoking deletes the row, and a
 * new address is made on the next request.
 */
@Injectable()
export class CalendarFeedAccessService {
  private readonly feedKey: Buffer;

  constructor(
    private readonly db: DataSource,
    @Inject(ENV) env: Env,
  ) {
    const secret = env.CHORUS_SECRET_KEY;
    const ikm = /^[0-9a-fA-F]{64}$/.test(secret) ? Buffer.from(secret, 'hex') : Buffer.from(secret, 'base64');
    this.feedKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'chorus:calendar-feed:v2', 32));
  }

  /** The path of this user's feed of the campaign, made on first request (the pages prefix it with their origin). */
  async feedPath(campaignId: string, user: AuthenticatedUser): Promise<string> {
    let [row] = (await this.db.query(`SELECT id FROM calendar_feeds WHERE user_id = $1 AND campaign_id = $2`, [user.id, campaignId])) as Array<{ id: string }>;
    if (!row) {
      const id = randomUUID();
      [row] = (await this.db.query(
        `INSERT INTO calendar_feeds (id, user_id, campaign_id, key_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, campaign_id) DO UPDATE SET user_id = excluded.user_id RETURNING id`,
        [id, user.id, campaignId, sha256(this.keyOf(id))],
      )) as Array<{ id: string }>;
    }
    return `/feeds/campaigns/${campaignId}/${this.keyOf(row.id)}/calendar.ics`;
  }

  /** Revokes this user's feed of the campaign: its address stops working at once. */
  async revoke(campaignId: string, user: AuthenticatedUser): Promise<void> {
    await this.db.query(`DELETE FROM calendar_feeds WHERE user_id = $1 AND campaign_id = $2`, [user.id, campaignId]);
  }

  /** The reader behind a feed address, or 404 whatever the reason (unknown key, revoked, user gone, campaign no longer visible). */
  async viewerOf(campaignId: string, key: string): Promise<Viewer> {
    const [row] = (await this.db.query(
      `SELECT u.role, u.partner_id AS "partnerId"
         FROM calendar_feeds f JOIN users u ON u.id = f.user_id JOIN campaigns c ON c.id = f.campaign_id
        WHERE f.key_hash = $1 AND f.campaign_id = $2 AND u.deleted_at IS NULL AND u.disabled_at IS NULL
          AND (u.role <> 'partner' OR c.operator_partner_id = u.partner_id
               OR EXISTS (SELECT 1 FROM campaign_partners cp WHERE cp.campaign_id = c.id AND cp.partner_id = u.partner_id))`,
      [sha256(key), campaignId],
    )) as Array<Viewer>;
    if (!row) throw DomainError.notFound('calendar feed', campaignId);
    return row;
  }

  private keyOf(feedId: string): string {
    return createHmac('sha256', this.feedKey).update(feedId).digest('base64url');
  }
}

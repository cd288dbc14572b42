import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { placeholderSlugs, placeholdersToNames } from '../campaigns/posts/validation/placeholders';
import { DomainError } from '../common/errors/domain-error';
import { POST_STATUS_SQL, type PostStatus as PagePostStatus } from '../campaigns/posts/post-status.sql';
import { mentionOn } from '../campaigns/posts/validation/mentions';

export interface CalendarPost {
  id: string;
  scheduledAt: string;
  status: PagePostStatus;
  version: number;
  excerpt: string;
  trackId: string | null;
  actionId: string | null;
  /** Partners owning the target channels. */
  partnerIds: string[];
  featuredPartnerIds: string[];
  updatedAt: string;
}

export interface CalendarData {
  campaign: { id: string; slug: string; name: string; objective: string; timeZone: string; startsAt: string; endsAt: string };
  tracks: { id: string; name: string }[];
  partners: { id: string; slug: string; name: string }[];
  actions: { id: string; title: string; description: string; occursAt: string; trackId: string | null }[];
  posts: CalendarPost[];
}

export interface ComposerChannel {
  id: string;
  network: string;
  handle: string;
  displayName: string | null;
  status: string;
  maxCharacters: number | null;
}

export interface ComposerData {
  campaign: CalendarData['campaign'] & { operatorPartnerId: string | null };
  tracks: CalendarData['tracks'];
  actions: CalendarData['actions'];
  partners: { id: string; slug: string; name: string; kind: string; channels: ComposerChannel[] }[];
  /** `{{partner:slug}}` resolution per network, as the posts API resolves it. */
  mentions: { slug: string; name: string; handles: Record<string, string> }[];
}

export interface PostPageDelivery {
  id: string;
  channelId: string;
  network: string;
  handle: string;
  displayName: string | null;
  partnerId: string;
  partnerName: string;
  status: string;
  resolvedText: string;
  postVersion: number;
  approvedVersion: number | null;
  dueAt: string;
  attempts: number;
  errorKind: string | null;
  errorMessage: string | null;
  externalUrl: string | null;
  publishedAt: string | null;
}

export interface PostPageData {
  post: {
    id: string;
    campaignId: string;
    campaignName: string;
    baseText: string;
    /** The common text as people read it: mentions as partner names. */
    baseTextForPeople: string;
    link: string | null;
    media: unknown[];
    scheduledAt: string;
    version: number;
    status: PagePostStatus;
    submittedAt: string | null;
    cancelledAt: string | null;
  };
  deliveries: PostPageDelivery[];
  /** `decidedByName` is the signed-in user who decided (null for a decision by link). */
  approvals: { partnerId: string; partnerName: string; postVersion: number; decision: string; comment: string; via: string; decidedByName: string | null; decidedAt: string; supersededAt: string | null }[];
}

export interface RefusalItem {
  postId: string;
  scheduledAt: string;
  campaignName: string;
  partnerId: string;
  partnerName: string;
  comment: string;
  decidedAt: string;
}

/**
 * Read-only queries shaped for the web pages (one round trip per page). Writes always go
 * through the feature APIs; partner users only see their own partner's deliveries here.
 */
@Injectable()
export class WebReadsService {
  constructor(private readonly db: DataSource) {}

  async calendar(campaignId: string, user: AuthenticatedUser): Promise<CalendarData> {
    const campaign = await this.campaign(campaignId, user);
    const [tracks, partners, actions, posts] = await Promise.all([
      this.db.query(`SELECT id, name FROM tracks WHERE campaign_id = $1 ORDER BY name`, [campaignId]),
      this.campaignPartners(campaignId),
      this.actions(campaignId),
      this.db.query(
        `SELECT p.id, p.scheduled_at AS "scheduledAt", p.version, p.track_id AS "trackId", p.action_id AS "actionId",
                p.updated_at AS "updatedAt", left(p.base_text, 140) AS excerpt,
                ${POST_STATUS_SQL} AS status,
                coalesce((SELECT array_agg(DISTINCT c.partner_id) FROM deliveries d JOIN channels c ON c.id = d.channel_id WHERE d.post_id = p.id), '{}') AS "partnerIds",
                coalesce((SELECT array_agg(f.partner_id) FROM post_featured_partners f WHERE f.post_id = p.id), '{}') AS "featuredPartnerIds"
           FROM posts p
          WHERE p.campaign_id = $1
          ORDER BY p.scheduled_at`,
        [campaignId],
      ),
    ]);
    return { campaign: stripOperator(campaign), tracks, partners, actions, posts: posts.map(isoDates) };
  }

  async composer(campaignId: string, user: AuthenticatedUser): Promise<ComposerData> {
    const campaign = await this.campaign(campaignId, user);
    const [tracks, actions, rows] = await Promise.all([
      this.db.query(`SELECT id, name FROM tracks WHERE campaign_id = $1 ORDER BY name`, [campaignId]),
      this.actions(campaignId),
      this.db.query(
        `SELECT pa.id, pa.slug, pa.name, pa.kind,
                coalesce(json_agg(json_build_object('id', c.id, 'network', c.network, 'handle', c.handle,
                  'displayName', c.display_name, 'status', c.status, 'maxCharacters', c.max_characters,
                  'externalId', c.external_id, 'createdAt', c.created_at)
                  ORDER BY c.network, c.handle) FILTER (WHERE c.id IS NOT NULL), '[]') AS channels
           FROM partners pa
           LEFT JOIN channels c ON c.partner_id = pa.id
          WHERE pa.id IN (SELECT partner_id FROM campaign_partners WHERE campaign_id = $1)
             OR pa.id = $2
          GROUP BY pa.id
          ORDER BY (pa.id = $2) DESC, pa.name`,
        [campaignId, campaign.operatorPartnerId],
      ),
    ]);
    type Row = Omit<ComposerData['partners'][number], 'channels'> & { channels: (ComposerChannel & { externalId: string; createdAt: string })[] };
    const partners = (rows as Row[]).map((partner) => ({
      ...partner,
      channels: partner.channels.map(({ externalId: _e, createdAt: _c, ...channel }) => channel),
    }));
    const mentions = (rows as Row[]).map((partner) => {
      const handles: Record<string, string> = {};
      const byAge = [...partner.channels].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      for (const c of byAge) {
        if (c.status === 'disabled' || handles[c.network]) continue;
        const mention = mentionOn(c, partner.name);
        if (mention) handles[c.network] = mention;
      }
      return { slug: partner.slug, name: partner.name, handles };
    });
    return { campaign, tracks, actions, partners, mentions };
  }

  async post(postId: string, user: AuthenticatedUser): Promise<PostPageData> {
    const rows = await this.db.query(
      `SELECT p.id, p.campaign_id AS "campaignId", ca.name AS "campaignName", p.base_text AS "baseText", p.link, p.media,
              p.scheduled_at AS "scheduledAt", p.version, p.submitted_at AS "submittedAt", p.cancelled_at AS "cancelledAt",
              ${POST_STATUS_SQL} AS status
         FROM posts p JOIN campaigns ca ON ca.id = p.campaign_id
        WHERE p.id = $1`,
      [postId],
    );
    if (!rows.length) throw DomainError.notFound('post', postId);
    const partnerFilter = user.role === 'partner' ? user.partnerId : null;
    const [deliveries, approvals] = await Promise.all([
      this.db.query(
        `SELECT d.id, d.channel_id AS "channelId", c.network, c.handle, c.display_name AS "displayName", c.partner_id AS "partnerId", pa.name AS "partnerName",
                d.status, d.resolved_text AS "resolvedText", d.post_version AS "postVersion", d.approved_version AS "approvedVersion",
                d.due_at AS "dueAt", d.attempts, d.error_kind AS "errorKind", d.error_message AS "errorMessage",
                d.external_url AS "externalUrl", d.published_at AS "publishedAt"
           FROM deliveries d JOIN channels c ON c.id = d.channel_id JOIN partners pa ON pa.id = c.partner_id
          WHERE d.post_id = $1 AND ($2::uuid IS NULL OR c.partner_id = $2)
          ORDER BY pa.name, c.network, c.handle`,
        [postId, partnerFilter],
      ),
      this.db.query(
        `SELECT a.partner_id AS "partnerId", pa.name AS "partnerName", a.post_version AS "postVersion", a.decision, a.comment, a.via,
                u.name AS "decidedByName", a.decided_at AS "decidedAt", a.superseded_at AS "supersededAt"
           FROM approvals a JOIN partners pa ON pa.id = a.partner_id
           LEFT JOIN users u ON u.id = a.decided_by
          WHERE a.post_id = $1 AND ($2::uuid IS NULL OR a.partner_id = $2)
          ORDER BY a.decided_at DESC`,
        [postId, partnerFilter],
      ),
    ]);
    // A partner may open a post only when it has something on its accounts.
    if (partnerFilter && deliveries.length === 0) throw DomainError.notFound('post', postId);
    const post = isoDates(rows[0]);
    const slugs = placeholderSlugs(post.baseText);
    const named = slugs.length ? ((await this.db.query(`SELECT slug, name FROM partners WHERE slug = ANY($1)`, [slugs])) as Array<{ slug: string; name: string }>) : [];
    return { post: { ...post, baseTextForPeople: placeholdersToNames(post.baseText, named) }, deliveries: deliveries.map(isoDates), approvals: approvals.map(isoDates) };
  }

  /** Current refusals of posts not cancelled and not past, soonest first. */
  async refusals(): Promise<RefusalItem[]> {
    const rows = await this.db.query(
      `SELECT a.post_id AS "postId", p.scheduled_at AS "scheduledAt", ca.name AS "campaignName", a.partner_id AS "partnerId",
              pa.name AS "partnerName", a.comment, a.decided_at AS "decidedAt"
         FROM approvals a
         JOIN posts p ON p.id = a.post_id AND a.post_version = p.version
         JOIN partners pa ON pa.id = a.partner_id
         JOIN campaigns ca ON ca.id = p.campaign_id
        WHERE a.decision = 'rejected' AND a.superseded_at IS NULL AND p.cancelled_at IS NULL AND p.scheduled_at > now()
        ORDER BY p.scheduled_at, pa.name
        LIMIT 100`,
    );
    return rows.map(isoDates);
  }

  /** The campaign, after checking that a partner user belongs to it. */
  private async campaign(campaignId: string, user: AuthenticatedUser): Promise<ComposerData['campaign']> {
    const rows = await this.db.query(
      `SELECT id, slug, name, objective, time_zone AS "timeZone", starts_at AS "startsAt", ends_at AS "endsAt",
              operator_partner_id AS "operatorPartnerId"
         FROM campaigns c
        WHERE id = $1
          AND ($2::uuid IS NULL OR operator_partner_id = $2
               OR EXISTS (SELECT 1 FROM campaign_partners cp WHERE cp.campaign_id = c.id AND cp.partner_id = $2))`,
      [campaignId, user.role === 'partner' ? user.partnerId : null],
    );
    if (!rows.length) throw DomainError.notFound('campaign', campaignId);
    return isoDates(rows[0]);
  }

  private campaignPartners(campaignId: string): Promise<CalendarData['partners']> {
    return this.db.query(
      `SELECT pa.id, pa.slug, pa.name FROM partners pa
        WHERE pa.id IN (SELECT partner_id FROM campaign_partners WHERE campaign_id = $1)
           OR pa.id = (SELECT operator_partner_id FROM campaigns WHERE id = $1)
        ORDER BY pa.name`,
      [campaignId],
    );
  }

  private async actions(campaignId: string): Promise<CalendarData['actions']> {
    const rows = await this.db.query(
      `SELECT id, title, description, occurs_at AS "occursAt", track_id AS "trackId" FROM actions WHERE campaign_id = $1 ORDER BY occurs_at`,
      [campaignId],
    );
    return rows.map(isoDates);
  }
}

function stripOperator(campaign: ComposerData['campaign']): CalendarData['campaign'] {
  const { operatorPartnerId: _omit, ...rest } = campaign;
  return rest;
}

/** Dates as ISO strings, so the pages get one format whatever the driver returns. */
function isoDates<T>(row: T): T {
  const out = { ...(row as Record<string, unknown>) };
  for (const [key, value] of Object.entries(out)) if (value instanceof Date) out[key] = value.toISOString();
  return out as T;
}

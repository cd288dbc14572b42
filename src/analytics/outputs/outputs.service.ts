import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error';
import { resolveWindow } from '../analytics-window';
import { CampaignLookupService } from '../campaign-lookup.service';
import { OUTPUT_LEVELS, OutputLevel, outputsSql, RECIPROCAL_VIEWS_SQL, TOP_POSTS_SQL } from '../outputs.sql';
import { iso, num } from '../pg-numbers';

/** A summed figure and how many deliveries gave it: value null when none did ("not available"). */
export interface Figure {
  value: number | null;
  deliveries: number;
}

export interface OutputFigures {
  posts: number;
  deliveries: number;
  /** Deliveries with at least one reading of their network's figures. */
  deliveriesRead: number;
  views: Figure;
  reach: Figure;
  likes: Figure;
  reposts: Figure;
  replies: Figure;
  quotes: Figure;
  saves: Figure;
  videoViews: Figure;
  /** Clicks as the network counts them (LinkedIn); our own tracked-link clicks are trackedClicks. */
  networkClicks: Figure;
  engagements: Figure;
  /** Engagements / views over the deliveries that gave both; null when none did. */
  engagementRate: number | null;
  trackedClicks: number;
  lastReadAt: string | null;
}

export interface OutputGroup extends OutputFigures {
  key: string | null;
  label: string;
}

export const OUTPUTS_SOURCE =
  'Each delivery’s latest reading of its network’s own figures (read 1 h, 24 h, 7 d and 28 d after publication by default), summed over the deliveries published in the window; clicks on Chorus tracked links beside them.';

/** Output indicators: posts published, views, reach, engagements, clicks, reciprocal visibility. */
@Injectable()
export class OutputsService {
  constructor(
    private readonly db: DataSource,
    private readonly campaigns: CampaignLookupService,
  ) {}

  async forCampaign(campaignId: string, query: { from?: string; to?: string; by?: string }) {
    const level = (query.by ?? 'track') as OutputLevel;
    if (!OUTPUT_LEVELS.includes(level)) throw DomainError.validation(`by: one of ${OUTPUT_LEVELS.join(', ')}.`, { field: 'by', value: query.by });
    const { campaign, params, window } = await this.scope(campaignId, query);
    const [rows, campaignRows, labels] = await Promise.all([
      this.db.query(outputsSql(level), params) as Promise<Record<string, unknown>[]>,
      level === 'campaign' ? Promise.resolve(null) : (this.db.query(outputsSql('campaign'), params) as Promise<Record<string, unknown>[]>),
      this.labels(campaign.id, level),
    ]);
    const total = (campaignRows ?? rows)[0];
    const groups: OutputGroup[] = rows.map((r) => ({
      key: r.key === null ? null : String(r.key),
      label: labels.get(String(r.key)) ?? (r.key === null ? '' : String(r.key)),
      ...toFigures(r),
    }));
    return {
      campaign: { id: campaign.id, slug: campaign.slug, name: campaign.name },
      window,
      by: level,
      source: OUTPUTS_SOURCE,
      totals: toFigures(total ?? {}),
      groups,
    };
  }

  /** Per partner: views its featured posts got on other partners' accounts, and who carried them. */
  async reciprocalVisibility(campaignId: string, query: { from?: string; to?: string }) {
    const { campaign, params, window } = await this.scope(campaignId, query);
    const [pairs, partners] = await Promise.all([
      this.db.query(RECIPROCAL_VIEWS_SQL, params) as Promise<Array<{ featured_id: string; publisher_id: string; deliveries: number; views: string | null; views_n: number }>>,
      this.campaigns.partners(campaign.id),
    ]);
    return {
      window,
      partners: partners.map((p) => {
        const mine = pairs.filter((x) => x.featured_id === p.id);
        const withViews = mine.filter((x) => x.views !== null);
        const reciprocalViews: Figure = {
          value: withViews.length ? withViews.reduce((a, x) => a + Number(x.views), 0) : null,
          deliveries: mine.reduce((a, x) => a + x.views_n, 0),
        };
        return {
          partnerId: p.id,
          slug: p.slug,
          name: p.name,
          deliveriesByOthers: mine.reduce((a, x) => a + x.deliveries, 0),
          reciprocalViews,
          byPublisher: mine.map((x) => ({ publisherId: x.publisher_id, deliveries: x.deliveries, views: num(x.views), viewsDeliveries: x.views_n })),
        };
      }),
    };
  }

  async topPosts(campaignId: string, query: { from?: string; to?: string; limit?: number }) {
    const { campaign, params, window } = await this.scope(campaignId, query);
    const limit = Math.min(Math.max(Math.trunc(query.limit ?? 10), 1), 100);
    const rows: Record<string, unknown>[] = await this.db.query(TOP_POSTS_SQL, [...params, limit]);
    const texts = new Map<string, string>();
    if (rows.length) {
      const found = (await this.db.query(`SELECT id, base_text FROM posts WHERE id = ANY($1::uuid[])`, [rows.map((r) => r.post_id)])) as Array<{ id: string; base_text: string }>;
      for (const r of found) texts.set(r.id, r.base_text);
    }
    return {
      campaign: { id: campaign.id, slug: campaign.slug },
      window,
      posts: rows.map((r) => ({
        postId: String(r.post_id),
        excerpt: (texts.get(String(r.post_id)) ?? '').slice(0, 140),
        publishedAt: iso(r.published_at),
        deliveriesRead: num(r.deliveries_read) ?? 0,
        views: { value: num(r.views), deliveries: num(r.views_n) ?? 0 },
        engagements: { value: num(r.engagements), deliveries: num(r.engagements_n) ?? 0 },
        lastReadAt: iso(r.last_read_at),
      })),
    };
  }

  /** Without from/to: every published delivery of the campaign, whenever it went out (as reciprocity). */
  private async scope(campaignId: string, query: { from?: string; to?: string }) {
    const campaign = await this.campaigns.require(campaignId);
    const w = query.from || query.to ? resolveWindow(campaign, query) : null;
    return {
      campaign,
      params: [campaign.id, w?.from ?? '-infinity', w?.to ?? 'infinity'] as unknown[],
      window: w ? { from: w.from.toISOString(), to: w.to.toISOString(), whole: false } : { from: null, to: null, whole: true },
    };
  }

  private async labels(campaignId: string, level: OutputLevel): Promise<Map<string, string>> {
    const q = (sql: string) => this.db.query(sql, [campaignId]) as Promise<Array<{ key: string; label: string }>>;
    const rows =
      level === 'track' ? await q(`SELECT id::text AS key, name AS label FROM tracks WHERE campaign_id = $1`)
      : level === 'partner' ? await q(`SELECT p.id::text AS key, p.name AS label FROM campaign_partners cp JOIN partners p ON p.id = cp.partner_id WHERE cp.campaign_id = $1`)
      : level === 'channel' ? await q(`SELECT ch.id::text AS key, ch.network || ' ' || ch.handle AS label FROM campaign_partners cp JOIN channels ch ON ch.partner_id = cp.partner_id WHERE cp.campaign_id = $1`)
      : level === 'post' ? await q(`SELECT id::text AS key, left(base_text, 80) AS label FROM posts WHERE campaign_id = $1`)
      : [];
    return new Map(rows.map((r) => [r.key, r.label]));
  }
}

function figure(r: Record<string, unknown>, name: string): Figure {
  const deliveries = num(r[`${name}_n`]) ?? 0;
  return { value: deliveries > 0 ? num(r[name]) : null, deliveries };
}

export function toFigures(r: Record<string, unknown>): OutputFigures {
  const rateViews = num(r.rate_views);
  const rateEngagements = num(r.rate_engagements);
  return {
    posts: num(r.posts) ?? 0,
    deliveries: num(r.deliveries) ?? 0,
    deliveriesRead: num(r.deliveries_read) ?? 0,
    views: figure(r, 'views'),
    reach: figure(r, 'reach'),
    likes: figure(r, 'likes'),
    reposts: figure(r, 'reposts'),
    replies: figure(r, 'replies'),
    quotes: figure(r, 'quotes'),
    saves: figure(r, 'saves'),
    videoViews: figure(r, 'video_views'),
    networkClicks: figure(r, 'network_clicks'),
    engagements: figure(r, 'engagements'),
    engagementRate: rateViews && rateViews > 0 && rateEngagements !== null ? rateEngagements / rateViews : null,
    trackedClicks: num(r.tracked_clicks) ?? 0,
    lastReadAt: iso(r.last_read_at),
  };
}

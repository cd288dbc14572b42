import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ENV, Env } from '../../config/env';
import { CampaignLookupService } from '../campaign-lookup.service';

const CODE_ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

export interface TrackedLink {
  code: string;
  shortUrl: string;
  targetUrl: string;
}

/**
 * Short links per delivery: `GET /l/:code` redirects to the post's link with UTM tags and counts
 * the click per day. Only counters are kept — no IP address, user agent or referrer.
 */
@Injectable()
export class TrackedLinkService {
  constructor(
    private readonly db: DataSource,
    private readonly campaigns: CampaignLookupService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /**
   * The delivery's short link, created on first call; null when its post carries no http(s) link.
   * The publishing pipeline may call this before publishing and put `shortUrl` in the text.
   */
  async linkFor(deliveryId: string, tx?: EntityManager): Promise<TrackedLink | null> {
    const db = tx ?? this.db;
    const [row] = await db.query(
      `SELECT p.link, l.code, l.target_url FROM deliveries d JOIN posts p ON p.id = d.post_id
         LEFT JOIN tracked_links l ON l.delivery_id = d.id WHERE d.id = $1`,
      [deliveryId],
    );
    if (!row) return null;
    if (row.code && row.target_url !== row.link && isHttpUrl(row.link)) {
      // The post's link was edited: the same short code now leads to the new target.
      await db.query(`UPDATE tracked_links SET target_url = $2 WHERE code = $1`, [row.code, row.link]);
      return this.view(row.code, row.link);
    }
    if (row.code) return this.view(row.code, row.target_url);
    if (!isHttpUrl(row.link)) return null;
    for (let attempt = 0; attempt < 5; attempt++) {
      const inserted = await db.query(
        `INSERT INTO tracked_links (code, delivery_id, target_url) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING code, target_url`,
        [newCode(), deliveryId, row.link],
      );
      if (inserted.length) return this.view(inserted[0].code, inserted[0].target_url);
      // Either another caller created this delivery's link, or the random code collided: look, then retry.
      const [existing] = await db.query(`SELECT code, target_url FROM tracked_links WHERE delivery_id = $1`, [deliveryId]);
      if (existing) return this.view(existing.code, existing.target_url);
    }
    throw new Error('Could not allocate a unique short code');
  }

  /** Creates the missing links of a campaign's published deliveries (for when the pipeline did not ask first). */
  async ensureForCampaign(campaignId: string): Promise<number> {
    const missing: Array<{ id: string }> = await this.db.query(
      `SELECT d.id FROM posts p JOIN deliveries d ON d.post_id = p.id AND d.status = 'published'
         LEFT JOIN tracked_links l ON l.delivery_id = d.id
        WHERE p.campaign_id = $1 AND p.link ~ '^https?://' AND l.id IS NULL`,
      [campaignId],
    );
    for (const d of missing) await this.linkFor(d.id);
    return missing.length;
  }

  /** The campaign's links with their click totals (and per day). */
  async list(campaignId: string) {
    await this.campaigns.require(campaignId);
    await this.ensureForCampaign(campaignId);
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT l.code, l.target_url, l.delivery_id, d.post_id, d.channel_id, ch.network, ch.partner_id, pa.slug AS partner_slug,
              coalesce(sum(lc.clicks), 0)::int AS clicks,
              coalesce(jsonb_object_agg(lc.day::text, lc.clicks) FILTER (WHERE lc.day IS NOT NULL), '{}') AS clicks_by_day
         FROM tracked_links l
         JOIN deliveries d ON d.id = l.delivery_id
         JOIN posts p ON p.id = d.post_id AND p.campaign_id = $1
         JOIN channels ch ON ch.id = d.channel_id
         JOIN partners pa ON pa.id = ch.partner_id
         LEFT JOIN link_clicks lc ON lc.link_id = l.id
        GROUP BY l.id, d.id, ch.id, pa.id
        ORDER BY pa.slug, l.code`,
      [campaignId],
    );
    return rows.map((r) => ({
      ...this.view(String(r.code), String(r.target_url)),
      deliveryId: r.delivery_id,
      postId: r.post_id,
      channelId: r.channel_id,
      network: r.network,
      partnerId: r.partner_id,
      partnerSlug: r.partner_slug,
      clicks: r.clicks,
      clicksByDay: r.clicks_by_day,
    }));
  }

  /**
   * Resolves a code to its redirect target and, when `count`, adds one click to today's counter
   * (the campaign's day), in one statement. Null for an unknown code.
   */
  async follow(code: string, count: boolean): Promise<string | null> {
    if (!/^[A-Za-z0-9]{6,16}$/.test(code)) return null;
    const [row] = await this.db.query(
      `WITH link AS (
         SELECT l.id, l.target_url, ch.network, c.slug AS campaign_slug, pa.slug AS partner_slug, c.time_zone
           FROM tracked_links l
           JOIN deliveries d ON d.id = l.delivery_id
           JOIN posts p ON p.id = d.post_id
           JOIN campaigns c ON c.id = p.campaign_id
           JOIN channels ch ON ch.id = d.channel_id
           JOIN partners pa ON pa.id = ch.partner_id
          WHERE l.code = $1
       ), click AS (
         INSERT INTO link_clicks (link_id, day, clicks)
         SELECT id, (now() AT TIME ZONE time_zone)::date, 1 FROM link WHERE $2::boolean
         ON CONFLICT (link_id, day) DO UPDATE SET clicks = link_clicks.clicks + 1
       )
       SELECT target_url, network, campaign_slug, partner_slug FROM link`,
      [code, count],
    );
    if (!row) return null;
    return withUtm(row.target_url, { source: row.network, campaign: row.campaign_slug, content: row.partner_slug });
  }

  private view(code: string, targetUrl: string): TrackedLink {
    const base = (this.env.PUBLIC_URL ?? `http://localhost:${this.env.PORT}`).replace(/\/+$/, '');
    return { code, shortUrl: `${base}/l/${code}`, targetUrl };
  }
}

/** The target with utm_source = network, utm_medium = social, utm_campaign, utm_content = partner (ours replace any given). */
export function withUtm(target: string, tags: { source: string; campaign: string; content: string }): string {
  const url = new URL(target);
  url.searchParams.set('utm_source', tags.source);
  url.searchParams.set('utm_medium', 'social');
  url.searchParams.set('utm_campaign', tags.campaign);
  url.searchParams.set('utm_content', tags.content);
  return url.toString();
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function newCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  let code = '';
  // 256 % 57 bias is irrelevant for unguessable-enough, non-secret short codes.
  for (const b of bytes) code += CODE_ALPHABET[b % CODE_ALPHABET.length];
  return code;
}

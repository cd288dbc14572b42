import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MediaItem } from '../../channels/adapters/network-adapter';
import { Network } from '../../channels/network';
import { DomainError } from '../../common/errors/domain-error';
import { isPartnerViewer, Viewer } from '../../common/viewer';
import { POST_STATUS_SQL, PostStatus } from './post-status.sql';
import { DeliveryErrorKind, DeliveryStatus } from '../deliveries/delivery.entity';

export interface DeliveryView {
  id: string;
  channelId: string;
  partnerId: string;
  network: Network;
  handle: string;
  status: DeliveryStatus;
  postVersion: number;
  approvedVersion: number | null;
  resolvedText: string;
  dueAt: Date;
  attempts: number;
  errorKind: DeliveryErrorKind | null;
  errorMessage: string | null;
  externalId: string | null;
  externalUrl: string | null;
  publishedAt: Date | null;
}

export interface PostView {
  id: string;
  campaignId: string;
  trackId: string | null;
  actionId: string | null;
  baseText: string;
  variants: Partial<Record<Network, string>>;
  link: string | null;
  media: MediaItem[];
  featuredPartnerIds: string[];
  scheduledAt: Date;
  version: number;
  status: PostStatus;
  submittedAt: Date | null;
  cancelledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  deliveries: DeliveryView[];
}

export type PostSummary = Omit<PostView, 'deliveries'> & { deliveryCounts: Partial<Record<DeliveryStatus, number>> };

/** Reads posts as the API shows them, in a fixed number of queries whatever the post count. */
@Injectable()
export class PostViewService {
  constructor(private readonly dataSource: DataSource) {}

  /** A partner user sees a post only if it targets its channels, and only its own deliveries. */
  async get(id: string, viewer?: Viewer): Promise<PostView> {
    const partnerId = isPartnerViewer(viewer) ? viewer.partnerId : null;
    const [post] = await this.posts(`p.id = $1`, [id], partnerId);
    if (!post) throw DomainError.notFound('post', id);
    const deliveries: DeliveryView[] = await this.dataSource.query(
      `SELECT d.id, d.channel_id AS "channelId", c.partner_id AS "partnerId", c.network, c.handle, d.status,
              d.post_version AS "postVersion", d.approved_version AS "approvedVersion", d.resolved_text AS "resolvedText",
              d.due_at AS "dueAt", d.attempts, d.error_kind AS "errorKind", d.error_message AS "errorMessage",
              d.external_id AS "externalId", d.external_url AS "externalUrl", d.published_at AS "publishedAt"
         FROM deliveries d JOIN channels c ON c.id = d.channel_id
        WHERE d.post_id = $1 AND ($2::uuid IS NULL OR c.partner_id = $2)
        ORDER BY c.network, c.handle`,
      [id, partnerId],
    );
    const { deliveryCounts: _counts, ...rest } = post;
    return { ...rest, deliveries };
  }

  async list(campaignId: string, filter: { from?: Date; to?: Date }, viewer?: Viewer): Promise<PostSummary[]> {
    const params: unknown[] = [campaignId];
    let where = 'p.campaign_id = $1';
    if (filter.from) where += ` AND p.scheduled_at >= $${params.push(filter.from)}`;
    if (filter.to) where += ` AND p.scheduled_at < $${params.push(filter.to)}`;
    const posts = await this.posts(where, params, isPartnerViewer(viewer) ? viewer.partnerId : null);
    return posts;
  }

  /** With `partnerId`, only posts that target that partner's channels, counting only its deliveries. */
  private async posts(where: string, params: unknown[], partnerId: string | null = null): Promise<PostSummary[]> {
    const mine = partnerId ? `AND d.channel_id IN (SELECT id FROM channels WHERE partner_id = $${params.length + 1})` : '';
    if (partnerId) where += ` AND EXISTS (SELECT 1 FROM deliveries d WHERE d.post_id = p.id ${mine})`;
    return this.dataSource.query(
      `SELECT p.id, p.campaign_id AS "campaignId", p.track_id AS "trackId", p.action_id AS "actionId", p.base_text AS "baseText",
              coalesce((SELECT jsonb_object_agg(v.network, v.text) FROM post_variants v WHERE v.post_id = p.id), '{}') AS variants,
              p.link, p.media,
              coalesce((SELECT jsonb_agg(f.partner_id) FROM post_featured_partners f WHERE f.post_id = p.id), '[]') AS "featuredPartnerIds",
              p.scheduled_at AS "scheduledAt", p.version, p.submitted_at AS "submittedAt", p.cancelled_at AS "cancelledAt",
              p.created_at AS "createdAt", p.updated_at AS "updatedAt", ${POST_STATUS_SQL} AS status,
              coalesce((SELECT jsonb_object_agg(s.status, s.n) FROM (SELECT status, count(*)::int AS n FROM deliveries d WHERE d.post_id = p.id ${mine} GROUP BY status) s), '{}') AS "deliveryCounts"
         FROM posts p
        WHERE ${where}
        ORDER BY p.scheduled_at, p.created_at`,
      partnerId ? [...params, partnerId] : params,
    );
  }
}

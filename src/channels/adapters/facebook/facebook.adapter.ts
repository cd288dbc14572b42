import { DEFAULT_META_GRAPH_VERSION, graphBaseUrl } from '../api-versions';
import { GraphAdapterOptions, GraphClient, unreadableGraphAnswer } from '../graph-client';
import type { PostMetricsReading, PublishedPostRef } from '../post-metrics';
import { readFacebookPostMetrics } from './facebook-post-metrics';
import {
  parseGraphTime,
  PUBLISHED_LOOKUP_SKEW_MS,
} from '../graph-errors';
import { normalizeForMatch } from '../text-match';
import {
  ChannelContext,
  FollowerReading,
  NetworkAdapter,
  NetworkError,
  PostingLimit,
  PublishRequest,
  PublishedPost,
} from '../network-adapter';

export type FacebookAdapterOptions = GraphAdapterOptions;

export const FACEBOOK_PRODUCTION_BASE_URL = graphBaseUrl('https://graph.facebook.com', DEFAULT_META_GRAPH_VERSION);
/** Graph accepts at most this many photos in one multi-photo post (attached_media). */
const MAX_PHOTOS = 10;
const LOOKUP_LIMIT = 25;

interface PostCreated {
  id?: string;
  post_id?: string;
  permalink_url?: string;
}

interface PostsPage {
  data?: Array<{ id: string; message?: string; created_time?: string; permalink_url?: string }>;
}

/**
 * Publishes on a Facebook Page with its Page access token (docs/networks.md, Facebook). Text and link go
 * to /feed; one image to /photos?url=; several images are uploaded unpublished then attached to
 * one /feed post. Facebook tokens cannot be refreshed here: an auth error means the partner has
 * to reconnect the Page.
 */
export class FacebookAdapter implements NetworkAdapter {
  readonly network = 'facebook' as const;
  /** Facebook publishes no per-day post cap; its spam checks (codes 368, 506) are the practical limit. */
  readonly postingLimits: PostingLimit[] = [];
  private readonly graph: GraphClient;

  constructor(options: FacebookAdapterOptions = {}) {
    this.graph = new GraphClient('Facebook', options.baseUrl ?? FACEBOOK_PRODUCTION_BASE_URL, options.timeoutMs);
  }

  async publish(channel: ChannelContext, request: PublishRequest): Promise<PublishedPost> {
    const token = pageToken(channel);
    if (request.media.some((m) => m.type === 'video')) {
      throw new NetworkError('content', 'Chorus cannot publish videos on Facebook yet; use images or a link.');
    }
    if (request.media.length > MAX_PHOTOS) {
      throw new NetworkError('content', `A Facebook post can carry at most ${MAX_PHOTOS} images.`);
    }
    const page = encodeURIComponent(channel.externalId);

    if (request.media.length === 1) {
      const image = request.media[0];
      const form = new URLSearchParams({ url: image.url, caption: request.text, access_token: token });
      if (image.altText) form.set('alt_text_custom', image.altText);
      const created = await this.graph.post<PostCreated>(channel, `/${page}/photos`, form, true);
      const id = created.post_id ?? created.id;
      if (!id) throw unreadableGraphAnswer('Facebook', true);
      return { externalId: id, url: facebookUrl(id), publishedAt: new Date() };
    }

    const form = new URLSearchParams({ message: request.text, access_token: token });
    // The preview card: the delivery's own link (its tracked short link), the one already in the text.
    if (request.media.length === 0 && request.link) form.set('link', request.link);
    for (const [i, image] of request.media.entries()) {
      const upload = new URLSearchParams({ url: image.url, published: 'false', access_token: token });
      if (image.altText) upload.set('alt_text_custom', image.altText);
      const photo = await this.graph.post<PostCreated>(channel, `/${page}/photos`, upload, false);
      if (!photo.id) throw unreadableGraphAnswer('Facebook', false);
      form.set(`attached_media[${i}]`, JSON.stringify({ media_fbid: photo.id }));
    }
    const created = await this.graph.post<PostCreated>(channel, `/${page}/feed?fields=id,permalink_url`, form, true);
    if (!created.id) throw unreadableGraphAnswer('Facebook', true);
    return { externalId: created.id, url: created.permalink_url ?? facebookUrl(created.id), publishedAt: new Date() };
  }

  async findPublished(channel: ChannelContext, request: PublishRequest, since: Date): Promise<PublishedPost | null> {
    const token = pageToken(channel);
    const start = since.getTime() - PUBLISHED_LOOKUP_SKEW_MS;
    const wanted = normalizeForMatch(request.text);
    const page = await this.graph.get<PostsPage>(channel, `/${encodeURIComponent(channel.externalId)}/posts`, {
      fields: 'id,message,created_time,permalink_url',
      limit: String(LOOKUP_LIMIT),
      access_token: token,
    });
    for (const post of page.data ?? []) {
      const createdAt = post.created_time ? parseGraphTime(post.created_time) : undefined;
      if (createdAt && createdAt.getTime() < start) continue;
      if (normalizeForMatch(post.message ?? '') === wanted) {
        return { externalId: post.id, url: post.permalink_url ?? facebookUrl(post.id), publishedAt: createdAt ?? new Date() };
      }
    }
    return null;
  }

  async readFollowers(channel: ChannelContext): Promise<FollowerReading> {
    const token = pageToken(channel);
    const page = await this.graph.get<{ followers_count?: number; fan_count?: number }>(channel, `/${encodeURIComponent(channel.externalId)}`, {
      fields: 'followers_count,fan_count',
      access_token: token,
    });
    // followers_count is the metric of New Pages Experience pages; classic pages only have fans.
    return { followers: page.followers_count ?? page.fan_count ?? null, posts: null };
  }

  /** Per-post figures (issue 21): see facebook-post-metrics.ts. */
  readPostMetrics(channel: ChannelContext, post: PublishedPostRef): Promise<PostMetricsReading> {
    const token = pageToken(channel);
    return readFacebookPostMetrics((path, params) => this.graph.get(channel, path, { ...params, access_token: token }), post);
  }
}

function pageToken(channel: ChannelContext): string {
  const token = channel.credentials.accessToken;
  if (!token) throw new NetworkError('auth', 'No Facebook Page connection is stored for this account. Reconnect the Page in Chorus.');
  return token;
}

function facebookUrl(id: string): string {
  return `https://www.facebook.com/${id}`;
}

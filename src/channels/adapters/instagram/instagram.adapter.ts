import { DEFAULT_META_GRAPH_VERSION, graphBaseUrl } from '../api-versions';
import { isAxiosError } from 'axios';
import { GraphAdapterOptions, GraphClient, unreadableGraphAnswer } from '../graph-client';
import type { PostMetricsReading, PublishedPostRef } from '../post-metrics';
import { readInstagramPostMetrics } from './instagram-post-metrics';
import {
  GRAPH_DEFAULT_THROTTLE_WAIT_MS,
  graphErrorBody,
  parseGraphTime,
  PUBLISHED_LOOKUP_SKEW_MS,
} from '../graph-errors';
import { normalizeForMatch } from '../text-match';
import {
  ChannelContext,
  FollowerReading,
  MediaItem,
  NetworkAdapter,
  NetworkError,
  PostingLimit,
  PublishRequest,
  PublishedPost,
} from '../network-adapter';

export interface InstagramAdapterOptions extends GraphAdapterOptions {
  /** First pause between container status reads, doubled after each read up to a minute; default 3 s (tests use 0). */
  pollIntervalMs?: number;
  /** How long a container may stay IN_PROGRESS before Chorus gives up for this attempt; default 10 minutes (videos take minutes). */
  maxWaitMs?: number;
  /** A cap on status reads (tests); default none beyond maxWaitMs. */
  maxPolls?: number;
  /** Publications allowed per 24 h (content_publishing_limit quota_total); default 50. */
  dailyPublishLimit?: number;
}

export const INSTAGRAM_PRODUCTION_BASE_URL = graphBaseUrl('https://graph.facebook.com', DEFAULT_META_GRAPH_VERSION);
const MAX_CAROUSEL = 10;
const LOOKUP_LIMIT = 25;
/** Container ERROR codes that a fresh container may well not hit again. */
const RETRYABLE_CONTAINER_ERRORS = new Set(['2207001', '2207003', '2207020', '2207032']);

interface Created {
  id?: string;
}

interface ContainerState {
  status_code?: string;
  status?: string;
}

interface MediaPage {
  data?: Array<{ id: string; caption?: string; timestamp?: string; permalink?: string }>;
}

const MAX_POLL_INTERVAL_MS = 60_000;
const MAX_NOT_READY_RETRIES = 20;

/**
 * Publishes on an Instagram professional account through the Graph content-publishing API
 * (docs/networks.md, Instagram): create a container from a public image or video URL (Meta fetches it),
 * poll it until FINISHED, then media_publish. Several media make a carousel. Tokens cannot be
 * refreshed here: an auth error means the partner reconnects the account.
 *
 * Lost answers: the id of each attempt's container is kept by the pipeline (attemptRefs) before
 * media_publish, and checked before another is created: a FINISHED one is published instead of a
 * new one, a PUBLISHED one proves the earlier attempt went through. Crash recovery (findPublished)
 * reads those containers' status_code: only PUBLISHED counts as published, never a caption match.
 */
export class InstagramAdapter implements NetworkAdapter {
  readonly network = 'instagram' as const;
  readonly postingLimits: PostingLimit[];
  private readonly graph: GraphClient;
  private readonly pollIntervalMs: number;
  private readonly maxWaitMs: number;
  private readonly maxPolls: number;

  constructor(options: InstagramAdapterOptions = {}) {
    this.graph = new GraphClient('Instagram', options.baseUrl ?? INSTAGRAM_PRODUCTION_BASE_URL, options.timeoutMs);
    this.pollIntervalMs = options.pollIntervalMs ?? 3000;
    this.maxWaitMs = options.maxWaitMs ?? 10 * 60_000;
    this.maxPolls = Math.max(1, options.maxPolls ?? Number.MAX_SAFE_INTEGER);
    this.postingLimits = [{ posts: options.dailyPublishLimit ?? 50, windowMs: 24 * 60 * 60_000 }];
  }

  async publish(channel: ChannelContext, request: PublishRequest): Promise<PublishedPost> {
    const token = accessToken(channel);
    if (request.media.length === 0) {
      throw new NetworkError('content', 'Instagram posts need an image or a video.');
    }
    if (request.media.length > MAX_CAROUSEL) {
      throw new NetworkError('content', `An Instagram post can carry at most ${MAX_CAROUSEL} images or videos.`);
    }
    const user = encodeURIComponent(channel.externalId);
    const caption = request.text;

    let containerId: string | undefined = await this.earlierContainer(channel, request);
    if (containerId) {
      // An earlier attempt's container, still unpublished: publishing it cannot make a second post.
    } else if (request.media.length === 1) {
      containerId = await this.createContainer(channel, user, { ...mediaParams(request.media[0], false), caption, access_token: token });
    } else {
      const children: string[] = [];
      for (const item of request.media) {
        const child = await this.createContainer(channel, user, { ...mediaParams(item, true), access_token: token });
        await this.waitUntilFinished(channel, child);
        children.push(child);
      }
      containerId = await this.createContainer(channel, user, { media_type: 'CAROUSEL', children: children.join(','), caption, access_token: token });
    }
    if (!request.attemptRefs?.includes(containerId)) await this.remember(request, containerId);
    await this.waitUntilFinished(channel, containerId);
    const mediaId = await this.publishContainer(channel, user, containerId);
    const publishedAt = new Date();
    const details = await this.mediaDetails(channel, mediaId);
    return { externalId: mediaId, url: details?.permalink ?? null, publishedAt: details?.timestamp ?? publishedAt };
  }

  /**
   * The container of an earlier attempt that can still be published (FINISHED or IN_PROGRESS), if
   * any. A container already PUBLISHED means an earlier attempt went through although its answer
   * was lost: that is reported as a duplicate, which the pipeline settles by finding the media.
   * Containers in ERROR or EXPIRED, or that cannot be read, are passed over.
   */
  private async earlierContainer(channel: ChannelContext, request: PublishRequest): Promise<string | undefined> {
    let usable: string | undefined;
    for (const id of [...(request.attemptRefs ?? [])].reverse()) {
      let state: ContainerState;
      try {
        state = await this.graph.get<ContainerState>(channel, `/${encodeURIComponent(id)}`, { fields: 'status_code', access_token: accessToken(channel) });
      } catch (err) {
        if (err instanceof NetworkError && (err.kind === 'auth' || err.kind === 'rate_limited')) throw err;
        continue;
      }
      if (state.status_code === 'PUBLISHED') {
        throw new NetworkError('content', 'Instagram already published the container of an earlier attempt of this post.', {
          networkCode: 'PUBLISHED',
          duplicate: true,
        });
      }
      if (!usable && (state.status_code === 'FINISHED' || state.status_code === 'IN_PROGRESS')) usable = id;
    }
    return usable;
  }

  /** Keeps the container id before media_publish, so a later attempt checks it before creating another. */
  private async remember(request: PublishRequest, containerId: string): Promise<void> {
    if (!request.rememberAttemptRef) return;
    try {
      await request.rememberAttemptRef(containerId);
    } catch {
      throw new NetworkError('transient', 'Chorus could not note the prepared Instagram post before publishing it. Chorus will try again.', {
        maybeCommitted: false,
      });
    }
  }

  /**
   * Whether one of this delivery's containers (attemptRefs) was published: only a PUBLISHED
   * status_code says so. The media it became is then found among the account's recent media (a
   * container does not name it): the one with our caption since `since`, else the container's id
   * stands in. No container kept means media_publish was never called.
   */
  async findPublished(channel: ChannelContext, request: PublishRequest, since: Date): Promise<PublishedPost | null> {
    const token = accessToken(channel);
    let publishedContainer: string | undefined;
    for (const id of request.attemptRefs ?? []) {
      const state = await this.graph.get<ContainerState>(channel, `/${encodeURIComponent(id)}`, { fields: 'status_code', access_token: token });
      if (state.status_code === 'PUBLISHED') publishedContainer = id;
    }
    if (!publishedContainer) return null;
    const start = since.getTime() - PUBLISHED_LOOKUP_SKEW_MS;
    const wanted = normalizeForMatch(request.text);
    const page = await this.graph
      .get<MediaPage>(channel, `/${encodeURIComponent(channel.externalId)}/media`, { fields: 'id,caption,media_type,permalink,timestamp', limit: String(LOOKUP_LIMIT), access_token: token })
      .catch(() => ({ data: [] }) as MediaPage);
    for (const media of page.data ?? []) {
      const at = media.timestamp ? parseGraphTime(media.timestamp) : undefined;
      if (at && at.getTime() < start) continue;
      if (normalizeForMatch(media.caption ?? '') === wanted) {
        return { externalId: media.id, url: media.permalink ?? null, publishedAt: at ?? new Date() };
      }
    }
    return { externalId: publishedContainer, url: null, publishedAt: new Date() };
  }

  async readFollowers(channel: ChannelContext): Promise<FollowerReading> {
    const token = accessToken(channel);
    const user = await this.graph.get<{ followers_count?: number; media_count?: number }>(channel, `/${encodeURIComponent(channel.externalId)}`, {
      fields: 'followers_count,media_count',
      access_token: token,
    });
    return { followers: user.followers_count ?? null, posts: user.media_count ?? null };
  }

  /** Per-post figures (issue 21): see instagram-post-metrics.ts. */
  readPostMetrics(channel: ChannelContext, post: PublishedPostRef): Promise<PostMetricsReading> {
    const token = accessToken(channel);
    return readInstagramPostMetrics((path, params) => this.graph.get(channel, path, { ...params, access_token: token }), post);
  }

  private async createContainer(channel: ChannelContext, user: string, params: Record<string, string>): Promise<string> {
    // A container is not a publication: failures here never hide a post.
    const created = await this.graph.post<Created>(channel, `/${user}/media`, params, false);
    if (!created.id) throw unreadableGraphAnswer('Instagram', false);
    return created.id;
  }

  /**
   * Polls a container until FINISHED (ERROR and EXPIRED end it), for up to maxWaitMs: an image
   * is ready in seconds, a video or Reel can take minutes. The pause doubles up to a minute, as
   * Meta asks for status reads no more often than that once processing is long.
   */
  private async waitUntilFinished(channel: ChannelContext, containerId: string): Promise<void> {
    const deadline = Date.now() + this.maxWaitMs;
    let pause = this.pollIntervalMs;
    for (let poll = 0; poll < this.maxPolls; poll++) {
      if (poll > 0) {
        if (Date.now() + pause > deadline) break;
        await sleep(pause);
        pause = Math.min(pause * 2, MAX_POLL_INTERVAL_MS);
      }
      const state = await this.graph.get<ContainerState>(channel, `/${encodeURIComponent(containerId)}`, {
        fields: 'status_code,status',
        access_token: accessToken(channel),
      });
      switch (state.status_code) {
        case 'FINISHED':
        case 'PUBLISHED':
          return;
        case 'ERROR':
          throw containerError(state.status ?? '');
        case 'EXPIRED':
          throw new NetworkError('transient', 'Instagram let the prepared post expire before publication. Chorus will prepare it again.', {
            maybeCommitted: false,
            networkCode: 'EXPIRED',
          });
        default:
        // IN_PROGRESS: keep polling.
      }
    }
    throw new NetworkError('transient', `Instagram was still processing the image or video after ${Math.round(this.maxWaitMs / 60_000)} minutes. Chorus will try again.`, {
      maybeCommitted: false,
      networkCode: 'IN_PROGRESS',
    });
  }

  /** media_publish; "not ready" (9007/2207027) means wait and ask again, within the polling budget. */
  private async publishContainer(channel: ChannelContext, user: string, containerId: string): Promise<string> {
    const params = { creation_id: containerId, access_token: accessToken(channel) };
    // Meta advises retrying "not ready" a couple of times over a minute or two.
    for (let attempt = 0; attempt < Math.min(this.maxPolls, MAX_NOT_READY_RETRIES); attempt++) {
      if (attempt > 0) await sleep(this.pollIntervalMs);
      try {
        // Raw call: "not ready" has to be recognised before classification turns it into an error.
        const res = await this.graph.http.post<Created>(`/${user}/media_publish`, new URLSearchParams(params));
        const id = typeof res.data === 'object' && res.data !== null ? res.data.id : undefined;
        if (!id) throw unreadableGraphAnswer('Instagram', true);
        return id;
      } catch (err) {
        if (isAxiosError(err) && graphErrorBody(err.response?.data)?.error_subcode === 2207027) continue;
        throw this.graph.classify(err, channel, true);
      }
    }
    throw new NetworkError('transient', 'Instagram kept saying the media is not ready for publishing. Chorus will try again.', {
      maybeCommitted: false,
      networkCode: '9007/2207027',
    });
  }

  /** Permalink and timestamp of a new post; the post exists already, so a failed read is not an error. */
  private async mediaDetails(channel: ChannelContext, mediaId: string): Promise<{ permalink?: string; timestamp?: Date } | undefined> {
    try {
      const media = await this.graph.get<{ permalink?: string; timestamp?: string }>(channel, `/${encodeURIComponent(mediaId)}`, {
        fields: 'permalink,timestamp',
        access_token: accessToken(channel),
      });
      return { permalink: media.permalink, timestamp: media.timestamp ? parseGraphTime(media.timestamp) : undefined };
    } catch {
      return undefined;
    }
  }
}

function mediaParams(item: MediaItem, carouselItem: boolean): Record<string, string> {
  const params: Record<string, string> =
    item.type === 'video'
      ? { media_type: carouselItem ? 'VIDEO' : 'REELS', video_url: item.url }
      : { image_url: item.url };
  if (item.type === 'image' && item.altText) params.alt_text = item.altText;
  if (carouselItem) params.is_carousel_item = 'true';
  return params;
}

/**
 * A container in ERROR. Its `status` text carries a subcode: the publishing quota (2207042) is a
 * rate limit, server-side hiccups are transient, anything else is about the media itself.
 */
function containerError(status: string): NetworkError {
  const code = /(2207\d{3})/.exec(status)?.[1];
  const networkCode = code ? `ERROR/${code}` : 'ERROR';
  if (code === '2207042') {
    return new NetworkError('rate_limited', "The account reached Instagram's limit of posts per day. Chorus will try again later.", {
      networkCode,
      retryAt: new Date(Date.now() + GRAPH_DEFAULT_THROTTLE_WAIT_MS),
    });
  }
  if (code && RETRYABLE_CONTAINER_ERRORS.has(code)) {
    return new NetworkError('transient', 'Instagram failed to prepare the image or video. Chorus will try again.', {
      networkCode,
      maybeCommitted: false,
    });
  }
  return new NetworkError(
    'content',
    'Instagram could not use the image or video of this post (check its format, size and proportions).',
    { networkCode },
  );
}

function accessToken(channel: ChannelContext): string {
  const token = channel.credentials.accessToken;
  if (!token) throw new NetworkError('auth', 'No Instagram connection is stored for this account. Reconnect the account in Chorus.');
  return token;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

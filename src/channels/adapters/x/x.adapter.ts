import type { Agent } from 'node:http';
import { EUploadMimeType, SendTweetV2Params, TwitterApi, TwitterApiv2 } from 'twitter-api-v2';
import type { MediaFetcher } from '../../media/media-fetcher.types';
import {
  AppPostingLimits,
  ChannelContext,
  ChannelCredentials,
  FollowerReading,
  NetworkAdapter,
  NetworkError,
  PostingLimit,
  PublishRequest,
  PublishedPost,
} from '../network-adapter';
import { classifyXError, XCallKind } from './x-errors';
import type { PostMetricsReading, PublishedPostRef } from '../post-metrics';
import { readXPostMetrics } from './x-post-metrics';
import { agentForBaseUrl, X_PRODUCTION_BASE_URL } from './x-http-agent';
import { normalizeForMatch } from '../text-match';

export interface XAdapterOptions {
  /** https://api.x.com in production; an http:// emulator URL in tests (see x-http-agent.ts). */
  baseUrl?: string;
  /** Where post pages are (default https://x.com); the demo points it at the emulator. */
  webUrl?: string;
  /** Per-request timeout; default 15 s. */
  timeoutMs?: number;
  /** OAuth 2.0 app client id and secret, needed by refreshCredentials. */
  clientId?: string;
  clientSecret?: string;
  /** Fetches the bytes of a post's media before they are uploaded to X. */
  mediaFetcher?: MediaFetcher;
  /** Posts per account per 15 minutes, as the app's X plan allows (default 100: POST /2/tweets' per-user limit). */
  postsPer15Min?: number;
  /** Posts per account per 24 hours when the app's plan caps them; absent: no daily cap. */
  postsPer24h?: number;
  /** Posts of the whole app (every account together) per 24 hours (default 10,000: POST /2/tweets' per-app limit). */
  appPostsPer24h?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_MEDIA = 4;
/** Posts made up to this long before `since` still count (X stamps to the ms, but clocks drift). */
const LOOKUP_SKEW_MS = 60_000;
const UPLOAD_TYPES = new Set<string>(Object.values(EUploadMimeType).filter((t) => t !== EUploadMimeType.Srt));

/** Publishes to X through twitter-api-v2 with the channel's OAuth 2.0 user token. */
export class XAdapter implements NetworkAdapter {
  readonly network = 'x' as const;
  readonly postingLimits: PostingLimit[];
  /** POST /2/tweets per app, whichever accounts post (docs.x.com/fundamentals/rate-limits), paced across workers. */
  readonly appPostingLimits: AppPostingLimits;
  private readonly agent: Agent | undefined;
  private readonly timeoutMs: number;

  constructor(private readonly options: XAdapterOptions = {}) {
    this.agent = agentForBaseUrl(options.baseUrl ?? X_PRODUCTION_BASE_URL);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // Settings of the operator's X plan (X_POSTS_PER_15MIN, X_POSTS_PER_24H), not fixed figures: plans differ and change.
    this.postingLimits = [{ posts: options.postsPer15Min ?? 100, windowMs: 15 * 60_000 }];
    if (options.postsPer24h) this.postingLimits.push({ posts: options.postsPer24h, windowMs: 24 * 60 * 60_000 });
    this.appPostingLimits = { key: `x:${options.clientId ?? 'default'}`, limits: [{ posts: options.appPostsPer24h ?? 10_000, windowMs: 24 * 60 * 60_000 }] };
  }

  async publish(channel: ChannelContext, request: PublishRequest): Promise<PublishedPost> {
    const client = this.client(channel);
    if (request.media.length > MAX_MEDIA) {
      throw new NetworkError('content', `X accepts at most ${MAX_MEDIA} images or videos per post.`);
    }
    const mediaIds: string[] = [];
    for (const item of request.media) mediaIds.push(await this.uploadMedia(client, item));

    const payload: SendTweetV2Params = { text: request.text };
    if (mediaIds.length) payload.media = { media_ids: mediaIds as NonNullable<SendTweetV2Params['media']>['media_ids'] };
    const result = await call('create', () => client.tweet(payload));
    return { externalId: result.data.id, url: postUrl(channel, result.data.id, this.options.webUrl), publishedAt: new Date() };
  }

  async findPublished(channel: ChannelContext, request: PublishRequest, since: Date): Promise<PublishedPost | null> {
    const client = this.client(channel);
    const start = new Date(since.getTime() - LOOKUP_SKEW_MS);
    const wanted = normalizeForMatch(request.text);
    const page = await call('read', () =>
      client.userTimeline(channel.externalId, {
        max_results: 100,
        start_time: start.toISOString(),
        exclude: ['replies', 'retweets'],
        'tweet.fields': ['created_at'],
      }),
    );
    for (const tweet of page.tweets) {
      const createdAt = tweet.created_at ? new Date(tweet.created_at) : undefined;
      if (createdAt && createdAt < start) continue;
      if (normalizeForMatch(tweet.text) === wanted) {
        return { externalId: tweet.id, url: postUrl(channel, tweet.id, this.options.webUrl), publishedAt: createdAt ?? new Date() };
      }
    }
    return null;
  }

  async readFollowers(channel: ChannelContext): Promise<FollowerReading> {
    const client = this.client(channel);
    const me = await call('read', () => client.me({ 'user.fields': ['public_metrics'] }));
    const metrics = me.data.public_metrics;
    return { followers: metrics?.followers_count ?? null, posts: metrics?.tweet_count ?? null };
  }

  /** Per-post figures (issue 21): see x-post-metrics.ts. */
  readPostMetrics(channel: ChannelContext, post: PublishedPostRef): Promise<PostMetricsReading> {
    const client = this.client(channel);
    return readXPostMetrics((id) => call('read', () => client.singleTweet(id, { 'tweet.fields': ['public_metrics'] })), post);
  }

  /** OAuth 2.0 refresh-token grant; X rotates the refresh token, so both tokens are replaced. */
  async refreshCredentials(channel: ChannelContext): Promise<ChannelCredentials> {
    const refreshToken = channel.credentials.refreshToken;
    if (!refreshToken) {
      throw new NetworkError('auth', 'The X connection cannot be renewed automatically. Reconnect the X account in Chorus.');
    }
    if (!this.options.clientId) {
      throw new NetworkError('unknown', 'Chorus is not configured with an X app client id, so it cannot renew X connections.');
    }
    const app = new TwitterApi(
      { clientId: this.options.clientId, clientSecret: this.options.clientSecret },
      this.settings(),
    );
    const now = Date.now();
    const result = await call('token', () => app.refreshOAuth2Token(refreshToken));
    return {
      ...channel.credentials,
      accessToken: result.accessToken,
      refreshToken: result.refreshToken ?? refreshToken,
      expiresAt: now + result.expiresIn * 1000,
    };
  }

  private client(channel: ChannelContext): TwitterApiv2 {
    const token = channel.credentials.accessToken;
    if (!token) {
      throw new NetworkError('auth', 'No X connection is stored for this account. Reconnect the X account in Chorus.');
    }
    return new TwitterApi(token, this.settings()).v2;
  }

  private settings(): { httpAgent?: Agent; compression: false; plugins: Array<{ onBeforeRequestConfig: (args: { params: { timeout?: number } }) => void }> } {
    const timeoutMs = this.timeoutMs;
    return {
      ...(this.agent ? { httpAgent: this.agent } : {}),
      compression: false,
      plugins: [
        {
          onBeforeRequestConfig: ({ params }) => {
            if (params.timeout === undefined) params.timeout = timeoutMs;
          },
        },
      ],
    };
  }

  private async uploadMedia(client: TwitterApiv2, item: PublishRequest['media'][number]): Promise<string> {
    const fetcher = this.options.mediaFetcher;
    if (!fetcher) throw new NetworkError('unknown', 'Chorus is not configured to send images or videos to X.');
    let file: { bytes: Buffer; contentType: string };
    try {
      file = await fetcher.fetch(item.url);
    } catch (err) {
      if (err instanceof NetworkError) throw err;
      throw new NetworkError('transient', `Chorus could not download the ${item.type} for this post (${describeUrl(item.url)}).`, {
        maybeCommitted: false,
      });
    }
    const mediaType = file.contentType.split(';')[0].trim().toLowerCase();
    if (!UPLOAD_TYPES.has(mediaType)) {
      throw new NetworkError('content', `X does not accept this kind of file (${mediaType || 'unknown type'}); use JPEG, PNG, GIF, WebP or MP4.`);
    }
    const mediaId = await call('media', () => client.uploadMedia(file.bytes, { media_type: mediaType as EUploadMimeType }));
    if (item.altText && item.type === 'image') {
      await call('media', () => client.createMediaMetadata(mediaId, { alt_text: { text: item.altText!.slice(0, 1000) } }));
    }
    return mediaId;
  }
}

async function call<T>(kind: XCallKind, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw classifyXError(err, kind);
  }
}

function postUrl(channel: ChannelContext, id: string, webUrl = 'https://x.com'): string {
  const handle = channel.handle.replace(/^@/, '');
  return handle ? `${webUrl}/${handle}/status/${id}` : `${webUrl}/i/web/status/${id}`;
}

/** Host and path only: signed media URLs carry secrets in their query. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return 'invalid address';
  }
}

import axios, { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { MediaFetcher } from '../../media/media-fetcher.types';
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
import { keepAliveAgents } from '../keep-alive-agents';
import { comparableText, htmlToText } from './mastodon-text';
import type { PostMetricsReading, PublishedPostRef } from '../post-metrics';
import { readMastodonPostMetrics } from './mastodon-post-metrics';

export interface MastodonAdapterOptions {
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
  mediaFetcher: MediaFetcher;
  /**
   * How long one attempt waits for the instance to process an upload (202, then GET
   * /api/v1/media/:id until `url` is set; default 5 minutes: video transcoding takes minutes on
   * a busy instance), and the pause between polls (default 2 s).
   */
  mediaWaitMs?: number;
  mediaPollIntervalMs?: number;
  /**
   * Remembers the media id of each of a delivery's files across attempts (and workers), so a
   * retry polls the upload it already made instead of sending the file again. Default: in memory.
   */
  uploads?: MediaUploadMemory;
  /** Pages of the account's timeline read by findPublished before giving up (default 5 × 40 statuses). */
  lookupPages?: number;
  /** Checked before every call: the instance must still be a public server (throws NetworkError). */
  instanceGuard?: (instanceUrl: string) => Promise<void>;
}

interface MastodonStatus {
  id: string;
  created_at: string;
  url: string | null;
  uri: string;
  content: string;
}

interface MastodonMedia {
  id: string;
  url: string | null;
}

interface MastodonAccount {
  id: string;
  followers_count: number;
  statuses_count: number;
}

/** Where the media ids of a delivery's uploads are kept between attempts. */
export interface MediaUploadMemory {
  get(key: string): Promise<string | null>;
  set(key: string, mediaId: string): Promise<void>;
}

export function inMemoryUploads(): MediaUploadMemory {
  const ids = new Map<string, string>();
  return {
    get: async (key) => ids.get(key) ?? null,
    set: async (key, id) => {
      ids.set(key, id);
    },
  };
}

const THREE_HOURS = 3 * 3_600_000;
/** Clock difference tolerated between us and the instance when comparing with `since`. */
const CLOCK_SKEW_MS = 2 * 60_000;

/**
 * Mastodon (docs/networks.md, Mastodon). The base URL is the channel's instance. Every create carries the
 * delivery's Idempotency-Key, so a blind retry within the hour returns the same status.
 */
export class MastodonAdapter implements NetworkAdapter {
  readonly network = 'mastodon' as const;
  /** Status creation is limited to 300 per 3 hours per account (Mastodon's `statuses` rate-limit family). */
  readonly postingLimits: PostingLimit[] = [{ posts: 300, windowMs: THREE_HOURS }];

  private readonly http: AxiosInstance;
  private readonly mediaFetcher: MediaFetcher;
  private readonly mediaWaitMs: number;
  private readonly mediaPollIntervalMs: number;
  private readonly uploads: MediaUploadMemory;
  private readonly lookupPages: number;
  private readonly instanceGuard?: (instanceUrl: string) => Promise<void>;

  constructor(options: MastodonAdapterOptions) {
    this.http = axios.create({
      timeout: options.timeoutMs ?? 15_000,
      validateStatus: () => true,
      maxRedirects: 0,
      ...keepAliveAgents(),
    });
    this.mediaFetcher = options.mediaFetcher;
    this.mediaWaitMs = options.mediaWaitMs ?? 300_000;
    this.mediaPollIntervalMs = options.mediaPollIntervalMs ?? 2000;
    this.uploads = options.uploads ?? inMemoryUploads();
    this.lookupPages = options.lookupPages ?? 5;
    this.instanceGuard = options.instanceGuard;
  }

  async publish(channel: ChannelContext, request: PublishRequest): Promise<PublishedPost> {
    const mediaIds: string[] = [];
    for (const [index, item] of request.media.entries()) mediaIds.push(await this.uploadMedia(channel, request, index, item));
    const status = await this.call<MastodonStatus>(channel, {
      method: 'POST',
      url: '/api/v1/statuses',
      headers: { 'Idempotency-Key': request.idempotencyKey },
      data: { status: request.text, visibility: 'public', media_ids: mediaIds },
    }, true);
    return toPublished(status);
  }

  /**
   * Looks through the account's own timeline (newest first) for a status created after `since`
   * with the same text. Replaying the create with the same Idempotency-Key would also answer,
   * but it publishes when the first attempt did not, so it is not a lookup.
   */
  async findPublished(channel: ChannelContext, request: PublishRequest, since: Date): Promise<PublishedPost | null> {
    const wanted = comparableText(request.text);
    const oldest = since.getTime() - CLOCK_SKEW_MS;
    let maxId: string | undefined;
    for (let page = 0; page < this.lookupPages; page++) {
      const statuses = await this.call<MastodonStatus[]>(channel, {
        method: 'GET',
        url: `/api/v1/accounts/${encodeURIComponent(channel.externalId)}/statuses`,
        params: { limit: 40, exclude_replies: true, exclude_reblogs: true, ...(maxId ? { max_id: maxId } : {}) },
      }, false);
      if (!Array.isArray(statuses)) throw new NetworkError('unknown', 'Mastodon answered the timeline request with something unexpected.');
      for (const s of statuses) {
        if (Date.parse(s.created_at) < oldest) return null;
        if (comparableText(htmlToText(s.content)) === wanted) return toPublished(s);
      }
      if (statuses.length < 40) return null;
      maxId = statuses[statuses.length - 1].id;
    }
    throw new NetworkError('unknown', `Could not tell whether the post went out on ${channel.handle}: too many recent posts to check.`);
  }

  async readFollowers(channel: ChannelContext): Promise<FollowerReading> {
    const account = await this.call<MastodonAccount>(channel, { method: 'GET', url: '/api/v1/accounts/verify_credentials' }, false);
    return {
      followers: typeof account.followers_count === 'number' ? account.followers_count : null,
      posts: typeof account.statuses_count === 'number' ? account.statuses_count : null,
    };
  }

  /** Per-post figures (issue 21): see mastodon-post-metrics.ts. */
  readPostMetrics(channel: ChannelContext, post: PublishedPostRef): Promise<PostMetricsReading> {
    return readMastodonPostMetrics((url) => this.call(channel, { method: 'GET', url }, false), post);
  }

  /**
   * Uploads one file of the delivery, or finds the upload an earlier attempt made, then waits
   * until the instance has processed it: POST /api/v2/media answers 202 with `url: null` while
   * it works, GET /api/v1/media/:id answers 206 until done, then 200 with the url.
   */
  private async uploadMedia(channel: ChannelContext, request: PublishRequest, index: number, item: MediaItem): Promise<string> {
    const key = `${channel.channelId}:${request.idempotencyKey}:${index}:${item.url}`;
    let media: MastodonMedia | null = null;
    const known = await this.uploads.get(key);
    if (known) media = await this.mediaStatus(channel, known);
    if (!media) {
      const file = await this.mediaFetcher.fetch(item.url);
      const form = new FormData();
      const name = item.type === 'video' ? 'video' : 'image';
      form.append('file', new Blob([file.bytes], { type: file.contentType }), name);
      if (item.altText) form.append('description', item.altText);
      media = await this.call<MastodonMedia>(channel, { method: 'POST', url: '/api/v2/media', data: form }, false);
      await this.uploads.set(key, media.id);
    }
    const deadline = Date.now() + this.mediaWaitMs;
    while (media.url === null && Date.now() < deadline) {
      await sleep(Math.min(this.mediaPollIntervalMs, Math.max(0, deadline - Date.now())));
      media = (await this.mediaStatus(channel, media.id)) ?? media;
    }
    if (media.url === null) {
      throw new NetworkError('transient', 'Mastodon is still processing the attached media; Chorus will check it again without uploading it twice.', { maybeCommitted: false });
    }
    return media.id;
  }

  /** The attachment as the instance has it now; null when it no longer exists (deleted, or never attached and cleaned up). */
  private async mediaStatus(channel: ChannelContext, id: string): Promise<MastodonMedia | null> {
    try {
      return await this.call<MastodonMedia>(channel, { method: 'GET', url: `/api/v1/media/${encodeURIComponent(id)}` }, false);
    } catch (err) {
      if (err instanceof NetworkError && err.options.httpStatus === 404) return null;
      throw err;
    }
  }

  private async call<T>(channel: ChannelContext, config: AxiosRequestConfig, isCreate: boolean): Promise<T> {
    if (!channel.instanceUrl) throw new NetworkError('auth', `The Mastodon channel ${channel.handle} has no instance address; reconnect it.`);
    const token = channel.credentials.accessToken;
    if (!token) throw new NetworkError('auth', `The Mastodon channel ${channel.handle} has no access token; reconnect it.`);
    // The bearer token goes to this address: a name that now resolves to a private one gets nothing.
    await this.instanceGuard?.(channel.instanceUrl);
    let res: AxiosResponse<unknown>;
    try {
      res = await this.http.request({ ...config, baseURL: channel.instanceUrl, headers: { ...config.headers, Authorization: `Bearer ${token}` } });
    } catch (err) {
      throw transportError(err, isCreate);
    }
    if (res.status >= 200 && res.status < 300) return res.data as T;
    throw classify(res, isCreate);
  }
}

function toPublished(status: MastodonStatus): PublishedPost {
  return { externalId: status.id, url: status.url ?? status.uri ?? null, publishedAt: new Date(status.created_at) };
}

function serverMessage(data: unknown): string | undefined {
  if (data && typeof data === 'object' && typeof (data as { error?: unknown }).error === 'string') return (data as { error: string }).error;
  return undefined;
}

/** Maps a Mastodon error answer (docs/networks.md, Mastodon) to a NetworkError. */
export function classify(res: AxiosResponse<unknown>, isCreate: boolean): NetworkError {
  const status = res.status;
  const said = serverMessage(res.data);
  if (status === 429) {
    const reset = Date.parse(String(res.headers['x-ratelimit-reset'] ?? ''));
    return new NetworkError('rate_limited', 'Mastodon says this account is posting too often; publishing resumes when the limit resets.', {
      httpStatus: status,
      retryAt: Number.isFinite(reset) ? new Date(reset) : undefined,
    });
  }
  if (status === 401) {
    return new NetworkError('auth', `Mastodon refused the account's access (${said ?? 'access token not accepted'}); reconnect the account.`, { httpStatus: status });
  }
  if (status === 403) {
    return new NetworkError('auth', `Mastodon refused the action (${said ?? 'forbidden'}); reconnect the account with the right permissions.`, { httpStatus: status });
  }
  if (status === 422) {
    if (said && /not finished processing/i.test(said)) {
      return new NetworkError('transient', 'Mastodon is still processing the attached media; will try again.', { httpStatus: status });
    }
    return new NetworkError('content', `Mastodon refused the post: ${said ?? 'the post was not accepted'}.`, { httpStatus: status });
  }
  if (status >= 500) {
    return new NetworkError('transient', `The Mastodon server had a problem (${status}); will try again.`, { httpStatus: status, maybeCommitted: isCreate });
  }
  if (status === 404) return new NetworkError('unknown', `Mastodon could not find what was asked (${said ?? 'not found'}).`, { httpStatus: status });
  return new NetworkError(isCreate ? 'content' : 'unknown', `Mastodon answered ${status}${said ? `: ${said}` : ''}.`, { httpStatus: status });
}

function transportError(err: unknown, isCreate: boolean): NetworkError {
  if (err instanceof NetworkError) return err;
  const code = axios.isAxiosError(err) ? err.code : undefined;
  const neverSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
  return new NetworkError(
    'transient',
    timedOut ? 'The Mastodon server took too long to answer; will check and try again.' : 'Could not reach the Mastodon server; will try again.',
    { maybeCommitted: isCreate && !neverSent, networkCode: code },
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

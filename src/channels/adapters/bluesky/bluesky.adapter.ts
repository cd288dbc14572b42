import axios, { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { MediaFetcher } from '../../media/media-fetcher.types';
import { transportError } from '../http-errors';
import {
  ChannelContext,
  ChannelCredentials,
  FollowerReading,
  NetworkAdapter,
  NetworkError,
  PostingLimit,
  PublishRequest,
  PublishedPost,
} from '../network-adapter';
import { keepAliveAgents } from '../keep-alive-agents';
import { buildFacets } from './bluesky-facets';
import { rkeyFor } from './bluesky-rkey';
import type { PostMetricsReading, PublishedPostRef } from '../post-metrics';
import { readBlueskyPostMetrics } from './bluesky-post-metrics';

export interface BlueskyAdapterOptions {
  /** PDS / entryway URL, e.g. https://bsky.social (XRPC lives under /xrpc). */
  baseUrl: string;
  timeoutMs?: number;
  mediaFetcher: MediaFetcher;
}

interface Session {
  did: string;
  handle: string;
  accessJwt: string;
  refreshJwt: string;
}

interface BlobRef {
  $type: 'blob';
  ref: { $link: string };
  mimeType: string;
  size: number;
}

interface XrpcError {
  error?: string;
  message?: string;
}

const POST = 'app.bsky.feed.post';
const MAX_IMAGE_BYTES = 2_000_000;
const HOUR = 3_600_000;

/**
 * Bluesky over XRPC (WIRE-FORMATS.md §6). Credentials: `identifier` (defaults to the handle) and
 * `appPassword` (or `password`); `accessToken`/`refreshToken` when a refresh stored them. The
 * session is cached per channel, since createSession is limited to 100 a day.
 *
 * Exactly-once: each delivery's record key is derived from its idempotency key, so a retried
 * create hits the same key (the PDS refuses it with a 500) and getRecord tells us it exists.
 */
export class BlueskyAdapter implements NetworkAdapter {
  readonly network = 'bluesky' as const;
  /**
   * Repo writes cost points per DID: 5,000 an hour and 35,000 a day, 3 per create, so about
   * 1,666 posts an hour and 11,666 a day.
   */
  readonly postingLimits: PostingLimit[] = [
    { posts: 1666, windowMs: HOUR },
    { posts: 11666, windowMs: 24 * HOUR },
  ];

  private readonly http: AxiosInstance;
  private readonly mediaFetcher: MediaFetcher;
  private readonly sessions = new Map<string, Session>();

  constructor(options: BlueskyAdapterOptions) {
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, ''),
      timeout: options.timeoutMs ?? 15_000,
      validateStatus: () => true,
      maxRedirects: 0,
      ...keepAliveAgents(),
    });
    this.mediaFetcher = options.mediaFetcher;
  }

  async publish(channel: ChannelContext, request: PublishRequest): Promise<PublishedPost> {
    const session = await this.session(channel);
    const text = request.text;
    const facets = await buildFacets(text, (handle) => this.resolveHandle(handle));
    const record: Record<string, unknown> = { $type: POST, text, createdAt: new Date().toISOString() };
    if (facets.length) record.facets = facets;
    if (request.media.length) record.embed = await this.uploadImages(channel, request);
    const rkey = rkeyFor(request.idempotencyKey);

    const res = await this.authed(channel, { method: 'POST', url: '/xrpc/com.atproto.repo.createRecord', data: { repo: session.did, collection: POST, rkey, record } }, true);
    if (res.status === 200) {
      const { uri } = res.data as { uri: string };
      return { externalId: uri, url: this.postUrl(channel, rkey), publishedAt: new Date(String(record.createdAt)) };
    }
    if (res.status >= 500) {
      // A 500 is also how the PDS refuses a record key that is already taken: ours, from an earlier
      // attempt. Either way the server has finished, so getRecord tells what happened.
      const existing = await this.getPost(channel, request).catch(() => undefined);
      if (existing) return existing;
      const failure = classify(res, 'create');
      if (existing === null) {
        throw new NetworkError('transient', failure.message, { ...failure.options, maybeCommitted: false });
      }
      throw failure;
    }
    throw classify(res, 'create');
  }

  /** Looks up the delivery's pre-chosen record key; `since` is not needed. */
  async findPublished(channel: ChannelContext, request: PublishRequest): Promise<PublishedPost | null> {
    return this.getPost(channel, request);
  }

  async readFollowers(channel: ChannelContext): Promise<FollowerReading> {
    const session = await this.session(channel);
    const res = await this.authed(channel, { method: 'GET', url: '/xrpc/app.bsky.actor.getProfile', params: { actor: channel.externalId || session.did } }, false);
    if (res.status !== 200) throw classify(res, 'read');
    const profile = res.data as { followersCount?: unknown; postsCount?: unknown };
    return {
      followers: typeof profile.followersCount === 'number' ? profile.followersCount : null,
      posts: typeof profile.postsCount === 'number' ? profile.postsCount : null,
    };
  }

  /** Per-post figures (issue 21): see bluesky-post-metrics.ts. */
  readPostMetrics(channel: ChannelContext, post: PublishedPostRef): Promise<PostMetricsReading> {
    return readBlueskyPostMetrics(async (url, params) => {
      const res = await this.authed(channel, { method: 'GET', url, params }, false);
      if (res.status !== 200) throw classify(res, 'read');
      return res.data;
    }, post);
  }

  /** refreshSession (or a new session from the app password); the returned tokens replace the stored ones. */
  async refreshCredentials(channel: ChannelContext): Promise<ChannelCredentials> {
    const session = await this.renew(channel);
    return { ...channel.credentials, accessToken: session.accessJwt, refreshToken: session.refreshJwt };
  }

  // --- records -------------------------------------------------------------------------------

  /** The post at the delivery's record key, null when the PDS says RecordNotFound. */
  private async getPost(channel: ChannelContext, request: PublishRequest): Promise<PublishedPost | null> {
    const session = await this.session(channel);
    const rkey = rkeyFor(request.idempotencyKey);
    const res = await this.authed(channel, { method: 'GET', url: '/xrpc/com.atproto.repo.getRecord', params: { repo: session.did, collection: POST, rkey } }, false);
    if (res.status === 200) {
      const found = res.data as { uri: string; value?: { createdAt?: unknown } };
      const createdAt = Date.parse(String(found.value?.createdAt ?? ''));
      return { externalId: found.uri, url: this.postUrl(channel, rkey), publishedAt: Number.isFinite(createdAt) ? new Date(createdAt) : new Date() };
    }
    if (res.status === 400 && (res.data as XrpcError | undefined)?.error === 'RecordNotFound') return null;
    throw classify(res, 'read');
  }

  private async uploadImages(channel: ChannelContext, request: PublishRequest): Promise<Record<string, unknown>> {
    if (request.media.length > 4) throw new NetworkError('content', 'Bluesky accepts at most 4 images per post.');
    const images: Array<{ image: BlobRef; alt: string }> = [];
    for (const item of request.media) {
      if (item.type !== 'image') throw new NetworkError('content', 'Chorus cannot post videos to Bluesky yet; use images.');
      const file = await this.mediaFetcher.fetch(item.url);
      if (file.bytes.length > MAX_IMAGE_BYTES) throw new NetworkError('content', `An image is larger than Bluesky's 2 MB limit (${item.url}).`);
      const res = await this.authed(channel, {
        method: 'POST',
        url: '/xrpc/com.atproto.repo.uploadBlob',
        data: file.bytes,
        headers: { 'Content-Type': file.contentType },
      }, false);
      if (res.status !== 200) throw classify(res, 'upload');
      images.push({ image: (res.data as { blob: BlobRef }).blob, alt: item.altText ?? '' });
    }
    return { $type: 'app.bsky.embed.images', images };
  }

  /** A mention's DID, or null when the handle does not resolve (the mention then stays plain text). */
  private async resolveHandle(handle: string): Promise<string | null> {
    try {
      const res = await this.http.get<{ did?: unknown }>('/xrpc/com.atproto.identity.resolveHandle', { params: { handle } });
      return res.status === 200 && typeof res.data?.did === 'string' ? res.data.did : null;
    } catch {
      return null;
    }
  }

  private postUrl(channel: ChannelContext, rkey: string): string {
    const who = this.sessions.get(channel.channelId)?.handle ?? channel.handle.replace(/^@/, '');
    return `https://bsky.app/profile/${who}/post/${rkey}`;
  }

  // --- sessions ------------------------------------------------------------------------------

  /**
   * Sends an authenticated call. On ExpiredToken the session is refreshed and the call sent once
   * more; a second refusal is an auth error. Other answers are returned for the caller to read.
   */
  private async authed(channel: ChannelContext, config: AxiosRequestConfig, isCreate: boolean): Promise<AxiosResponse<unknown>> {
    let session = await this.session(channel);
    let res = await this.send(config, session.accessJwt, isCreate);
    if (errorName(res) === 'ExpiredToken') {
      session = await this.renew(channel);
      res = await this.send(config, session.accessJwt, isCreate);
    }
    const name = errorName(res);
    if (name === 'ExpiredToken' || name === 'InvalidToken') {
      this.sessions.delete(channel.channelId);
      throw classify(res, isCreate ? 'create' : 'read');
    }
    return res;
  }

  private async send(config: AxiosRequestConfig, token: string | undefined, isCreate: boolean): Promise<AxiosResponse<unknown>> {
    try {
      return await this.http.request({ ...config, headers: { ...config.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
    } catch (err) {
      throw transportError(err, 'Bluesky', isCreate);
    }
  }

  private async session(channel: ChannelContext): Promise<Session> {
    const cached = this.sessions.get(channel.channelId);
    if (cached) return cached;
    const { accessToken, refreshToken } = channel.credentials;
    if (typeof accessToken === 'string' && typeof refreshToken === 'string' && channel.externalId.startsWith('did:')) {
      const stored = { did: channel.externalId, handle: channel.handle.replace(/^@/, ''), accessJwt: accessToken, refreshJwt: refreshToken };
      this.sessions.set(channel.channelId, stored);
      return stored;
    }
    return this.createSession(channel);
  }

  /** refreshSession with the refresh token; if that is refused, a new session from the app password. */
  private async renew(channel: ChannelContext): Promise<Session> {
    const current = this.sessions.get(channel.channelId) ?? (await this.session(channel));
    const res = await this.send({ method: 'POST', url: '/xrpc/com.atproto.server.refreshSession' }, current.refreshJwt, false);
    if (res.status === 200) return this.keep(channel, res.data);
    const name = errorName(res);
    if (res.status === 429 || res.status >= 500) throw classify(res, 'read');
    this.sessions.delete(channel.channelId);
    if (name === 'ExpiredToken' || name === 'InvalidToken' || res.status === 401) return this.createSession(channel);
    throw classify(res, 'read');
  }

  private async createSession(channel: ChannelContext): Promise<Session> {
    const identifier = String(channel.credentials.identifier ?? channel.handle.replace(/^@/, ''));
    const password = channel.credentials.appPassword ?? channel.credentials.password;
    if (typeof password !== 'string' || !password) {
      throw new NetworkError('auth', `Bluesky needs the app password of ${channel.handle} again; reconnect the account.`);
    }
    const res = await this.send({ method: 'POST', url: '/xrpc/com.atproto.server.createSession', data: { identifier, password } }, undefined, false);
    if (res.status !== 200) throw classify(res, 'session');
    return this.keep(channel, res.data);
  }

  private keep(channel: ChannelContext, data: unknown): Session {
    const d = data as Partial<Session>;
    if (!d.did || !d.accessJwt || !d.refreshJwt) throw new NetworkError('unknown', 'Bluesky answered the sign-in with something unexpected.');
    const session: Session = { did: d.did, handle: d.handle ?? channel.handle.replace(/^@/, ''), accessJwt: d.accessJwt, refreshJwt: d.refreshJwt };
    this.sessions.set(channel.channelId, session);
    return session;
  }
}

function errorName(res: AxiosResponse<unknown>): string | undefined {
  const data = res.data as XrpcError | undefined;
  return data && typeof data === 'object' && typeof data.error === 'string' ? data.error : undefined;
}

const AUTH_ERRORS = new Set(['ExpiredToken', 'InvalidToken', 'AuthMissing', 'AuthRequired', 'AuthenticationRequired', 'AccountTakedown', 'AccountDeactivated']);

/** Maps a Bluesky XRPC error (WIRE-FORMATS.md §6.6–6.7) to a NetworkError. */
export function classify(res: AxiosResponse<unknown>, call: 'create' | 'read' | 'upload' | 'session'): NetworkError {
  const status = res.status;
  const name = errorName(res);
  const said = (res.data as XrpcError | undefined)?.message;
  const base = { httpStatus: status, networkCode: name };
  if (status === 429) {
    const reset = Number(res.headers['ratelimit-reset']);
    const after = Number(res.headers['retry-after']);
    const retryAt = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : Number.isFinite(after) ? new Date(Date.now() + after * 1000) : undefined;
    return new NetworkError('rate_limited', 'Bluesky says this account is posting too often; publishing resumes when the limit resets.', { ...base, retryAt });
  }
  if ((name && AUTH_ERRORS.has(name)) || status === 401 || status === 403) {
    const why =
      name === 'ExpiredToken' ? 'the sign-in expired and could not be renewed'
      : name === 'AuthenticationRequired' && call === 'session' ? 'the handle or app password was refused'
      : name === 'AccountTakedown' ? 'the account has been taken down'
      : name === 'AccountDeactivated' ? 'the account is deactivated'
      : 'the sign-in was not accepted';
    return new NetworkError('auth', `Bluesky refused access (${why}); reconnect the account with a new app password.`, base);
  }
  if (status >= 500) {
    return new NetworkError('transient', `Bluesky had a server problem (${status}); will try again.`, { ...base, maybeCommitted: call === 'create' });
  }
  if (status === 400 || status === 413) {
    if (call === 'create' || call === 'upload') return new NetworkError('content', `Bluesky refused the post: ${said ?? name ?? 'invalid request'}.`, base);
  }
  return new NetworkError('unknown', `Bluesky answered ${status}${said ? `: ${said}` : ''}.`, base);
}

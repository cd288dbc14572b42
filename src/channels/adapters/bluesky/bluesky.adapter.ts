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
import type { PostMetricsReading, PublishedPostRef } from '../post-metrics';
import { MAX_THUMB_BYTES, readLinkPreview } from './bluesky-card';
import { buildFacets } from './bluesky-facets';
import { BlueskyIdentityResolver } from './bluesky-identity';
import { readBlueskyPostMetrics } from './bluesky-post-metrics';
import { clockIdFor, parseTid, tidFor } from './bluesky-rkey';

export interface BlueskyAdapterOptions {
  /** Where handles are resolved (com.atproto.identity.resolveHandle), e.g. https://bsky.social. Posts go to each account's own PDS. */
  baseUrl: string;
  /** The did:plc directory (default https://plc.directory). */
  plcDirectoryUrl?: string;
  /** Where post pages are (default https://bsky.app); the demo points it at the emulator. */
  webUrl?: string;
  /** Allows local PDS, did:web and link-card hosts (tests, the demo); see BlueskyIdentityResolver. */
  allowPrivateHosts?: boolean;
  timeoutMs?: number;
  mediaFetcher: MediaFetcher;
}

interface Session {
  did: string;
  handle: string;
  pdsUrl: string;
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

interface ListedRecord {
  uri: string;
  value?: { text?: unknown; createdAt?: unknown };
}

const POST = 'app.bsky.feed.post';
const MAX_IMAGE_BYTES = 2_000_000;
const HOUR = 3_600_000;
/** listRecords pages read by a lookup before it gives up (100 records each). */
const MAX_LOOKUP_PAGES = 5;

/**
 * Bluesky over XRPC (docs/networks.md, Bluesky). Credentials: `identifier` (defaults to the handle) and
 * `appPassword` (or `password`); `accessToken`/`refreshToken` when a refresh stored them. The
 * session is cached per channel, since createSession is limited to 100 a day. Each account is
 * reached on its own PDS, found from its DID (BlueskyIdentityResolver).
 *
 * Exactly-once: a record's key is a TID of the current time whose clock id comes from the
 * delivery's idempotency key. After an ambiguous failure the pipeline looks before it retries:
 * findPublished reads the account's records since the first possible attempt and recognises ours
 * by that clock id and its exact text.
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
  private readonly identities: BlueskyIdentityResolver;
  private readonly sessions = new Map<string, Session>();
  private readonly webUrl: string;

  constructor(options: BlueskyAdapterOptions) {
    this.webUrl = (options.webUrl ?? 'https://bsky.app').replace(/\/+$/, '');
    const timeout = options.timeoutMs ?? 15_000;
    this.http = axios.create({ timeout, validateStatus: () => true, maxRedirects: 0, ...keepAliveAgents() });
    this.mediaFetcher = options.mediaFetcher;
    this.identities = new BlueskyIdentityResolver({
      handleResolverUrl: options.baseUrl,
      plcDirectoryUrl: options.plcDirectoryUrl ?? 'https://plc.directory',
      fetcher: options.mediaFetcher,
      allowPrivateHosts: options.allowPrivateHosts ?? false,
      timeoutMs: timeout,
    });
  }

  async publish(channel: ChannelContext, request: PublishRequest): Promise<PublishedPost> {
    const session = await this.session(channel);
    // The delivery's text is final (it already holds the tracked link): sent as it is.
    const text = request.text;
    const facets = await buildFacets(text, (handle) => this.resolveHandle(handle));
    const now = Date.now();
    const record: Record<string, unknown> = { $type: POST, text, createdAt: new Date(now).toISOString() };
    if (facets.length) record.facets = facets;
    if (request.language) record.langs = [request.language];
    if (request.media.length) record.embed = await this.uploadImages(channel, request);
    else if (request.link) record.embed = await this.linkCard(channel, request.link);
    const rkey = tidFor(request.idempotencyKey, now);

    const res = await this.authed(channel, { method: 'POST', url: '/xrpc/com.atproto.repo.createRecord', data: { repo: session.did, collection: POST, rkey, record } }, true);
    if (res.status === 200) {
      const { uri } = res.data as { uri: string };
      return { externalId: uri, url: this.postUrl(channel, rkey), publishedAt: new Date(now) };
    }
    if (res.status >= 500) {
      // The server has finished with the request: getRecord at the key we chose tells whether it committed.
      const existing = await this.getPost(channel, rkey).catch(() => undefined);
      if (existing) return existing;
      const failure = classify(res, 'create');
      if (existing === null) {
        throw new NetworkError('transient', failure.message, { ...failure.options, maybeCommitted: false });
      }
      throw failure;
    }
    throw classify(res, 'create');
  }

  /**
   * Reads the account's posts newest first, back to `since`, for a record whose key carries this
   * delivery's clock id and whose text is the delivery's text.
   */
  async findPublished(channel: ChannelContext, request: PublishRequest, since: Date): Promise<PublishedPost | null> {
    const session = await this.session(channel);
    const clockId = clockIdFor(request.idempotencyKey);
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LOOKUP_PAGES; page++) {
      const res = await this.authed(channel, {
        method: 'GET',
        url: '/xrpc/com.atproto.repo.listRecords',
        params: { repo: session.did, collection: POST, limit: 100, ...(cursor ? { cursor } : {}) },
      }, false);
      if (res.status !== 200) throw classify(res, 'read');
      const data = res.data as { records?: ListedRecord[]; cursor?: string };
      const records = Array.isArray(data.records) ? data.records : [];
      for (const r of records) {
        const rkey = r.uri.split('/').pop() ?? '';
        const tid = parseTid(rkey);
        if (!tid) continue;
        if (tid.atMs < since.getTime()) return null;
        if (tid.clockId === clockId && r.value?.text === request.text) {
          const createdAt = Date.parse(String(r.value?.createdAt ?? ''));
          return { externalId: r.uri, url: this.postUrl(channel, rkey), publishedAt: new Date(Number.isFinite(createdAt) ? createdAt : tid.atMs) };
        }
      }
      if (!data.cursor || records.length === 0) return null;
      cursor = data.cursor;
    }
    throw new NetworkError('unknown', `Too many Bluesky posts on ${channel.handle} since the first attempt to tell whether this one went out.`);
  }

  async readFollowers(channel: ChannelContext): Promise<FollowerReading> {
    const session = await this.session(channel);
    const res = await this.authed(channel, { method: 'GET', url: '/xrpc/app.bsky.actor.getProfile', params: { actor: session.did } }, false);
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

  /** The post at `rkey`, null when the PDS says RecordNotFound. */
  private async getPost(channel: ChannelContext, rkey: string): Promise<PublishedPost | null> {
    const session = await this.session(channel);
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
      images.push({ image: await this.uploadBlob(channel, file), alt: item.altText ?? '' });
    }
    return { $type: 'app.bsky.embed.images', images };
  }

  /** The link's preview card; its image is uploaded as a blob when the page names one that fits. */
  private async linkCard(channel: ChannelContext, link: string): Promise<Record<string, unknown>> {
    const preview = await readLinkPreview(link, this.mediaFetcher);
    const external: Record<string, unknown> = { uri: link, title: preview.title, description: preview.description };
    if (preview.imageUrl) {
      const image = await this.mediaFetcher.fetch(preview.imageUrl).catch(() => null);
      if (image && image.contentType.startsWith('image/') && image.bytes.length <= MAX_THUMB_BYTES) {
        external.thumb = await this.uploadBlob(channel, image);
      }
    }
    return { $type: 'app.bsky.embed.external', external };
  }

  private async uploadBlob(channel: ChannelContext, file: { bytes: Buffer; contentType: string }): Promise<BlobRef> {
    const res = await this.authed(channel, {
      method: 'POST',
      url: '/xrpc/com.atproto.repo.uploadBlob',
      data: file.bytes,
      headers: { 'Content-Type': file.contentType },
    }, false);
    if (res.status !== 200) throw classify(res, 'upload');
    return (res.data as { blob: BlobRef }).blob;
  }

  /** A mention's DID, or null when the handle does not resolve (the mention then stays plain text). */
  private async resolveHandle(handle: string): Promise<string | null> {
    return this.identities.didOfHandle(handle).catch(() => null);
  }

  private postUrl(channel: ChannelContext, rkey: string): string {
    const who = this.sessions.get(channel.channelId)?.handle ?? channel.handle.replace(/^@/, '');
    return `${this.webUrl}/profile/${who}/post/${rkey}`;
  }

  // --- sessions ------------------------------------------------------------------------------

  /**
   * Sends an authenticated call to the account's PDS. On ExpiredToken the session is refreshed
   * and the call sent once more; a second refusal is an auth error. Other answers are returned
   * for the caller to read.
   */
  private async authed(channel: ChannelContext, config: AxiosRequestConfig, isCreate: boolean): Promise<AxiosResponse<unknown>> {
    let session = await this.session(channel);
    let res = await this.send(session.pdsUrl, config, session.accessJwt, isCreate);
    if (errorName(res) === 'ExpiredToken') {
      session = await this.renew(channel);
      res = await this.send(session.pdsUrl, config, session.accessJwt, isCreate);
    }
    const name = errorName(res);
    if (name === 'ExpiredToken' || name === 'InvalidToken') {
      this.sessions.delete(channel.channelId);
      throw classify(res, isCreate ? 'create' : 'read');
    }
    return res;
  }

  private async send(pdsUrl: string, config: AxiosRequestConfig, token: string | undefined, isCreate: boolean): Promise<AxiosResponse<unknown>> {
    try {
      return await this.http.request({ ...config, url: `${pdsUrl}${config.url ?? ''}`, headers: { ...config.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
    } catch (err) {
      throw transportError(err, 'Bluesky', isCreate);
    }
  }

  private async session(channel: ChannelContext): Promise<Session> {
    const cached = this.sessions.get(channel.channelId);
    if (cached) return cached;
    const { accessToken, refreshToken } = channel.credentials;
    if (typeof accessToken === 'string' && typeof refreshToken === 'string' && channel.externalId.startsWith('did:')) {
      const { pdsUrl } = await this.identities.resolve(channel.externalId);
      const stored = { did: channel.externalId, handle: channel.handle.replace(/^@/, ''), pdsUrl, accessJwt: accessToken, refreshJwt: refreshToken };
      this.sessions.set(channel.channelId, stored);
      return stored;
    }
    return this.createSession(channel);
  }

  /** refreshSession with the refresh token; if that is refused, a new session from the app password. */
  private async renew(channel: ChannelContext): Promise<Session> {
    const current = this.sessions.get(channel.channelId) ?? (await this.session(channel));
    const res = await this.send(current.pdsUrl, { method: 'POST', url: '/xrpc/com.atproto.server.refreshSession' }, current.refreshJwt, false);
    if (res.status === 200) return this.keep(channel, current.pdsUrl, res.data);
    const name = errorName(res);
    if (res.status === 429 || res.status >= 500) throw classify(res, 'read');
    this.sessions.delete(channel.channelId);
    if (name === 'ExpiredToken' || name === 'InvalidToken' || res.status === 401) return this.createSession(channel);
    throw classify(res, 'read');
  }

  /** Signs in on the account's own PDS (found from its DID, or its handle when no DID is stored yet). */
  private async createSession(channel: ChannelContext): Promise<Session> {
    const identifier = String(channel.credentials.identifier ?? channel.handle.replace(/^@/, ''));
    const password = channel.credentials.appPassword ?? channel.credentials.password;
    if (typeof password !== 'string' || !password) {
      throw new NetworkError('auth', `Bluesky needs the app password of ${channel.handle} again; reconnect the account.`);
    }
    const identity = await this.identities.resolve(channel.externalId.startsWith('did:') ? channel.externalId : identifier);
    const res = await this.send(identity.pdsUrl, { method: 'POST', url: '/xrpc/com.atproto.server.createSession', data: { identifier, password } }, undefined, false);
    if (res.status !== 200) {
      // A PDS that no longer knows the account: it may have moved; look it up afresh next time.
      this.identities.forget(channel.externalId.startsWith('did:') ? channel.externalId : identifier);
      throw classify(res, 'session');
    }
    return this.keep(channel, identity.pdsUrl, res.data);
  }

  private keep(channel: ChannelContext, pdsUrl: string, data: unknown): Session {
    const d = data as Partial<Session>;
    if (!d.did || !d.accessJwt || !d.refreshJwt) throw new NetworkError('unknown', 'Bluesky answered the sign-in with something unexpected.');
    const session: Session = { did: d.did, handle: d.handle ?? channel.handle.replace(/^@/, ''), pdsUrl, accessJwt: d.accessJwt, refreshJwt: d.refreshJwt };
    this.sessions.set(channel.channelId, session);
    return session;
  }
}

function errorName(res: AxiosResponse<unknown>): string | undefined {
  const data = res.data as XrpcError | undefined;
  return data && typeof data === 'object' && typeof data.error === 'string' ? data.error : undefined;
}

const AUTH_ERRORS = new Set(['ExpiredToken', 'InvalidToken', 'AuthMissing', 'AuthRequired', 'AuthenticationRequired', 'AccountTakedown', 'AccountDeactivated']);

/** Maps a Bluesky XRPC error (docs/networks.md, Bluesky) to a NetworkError. */
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

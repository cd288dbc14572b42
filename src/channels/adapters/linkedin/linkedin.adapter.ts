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
import { escapeCommentary, nextMidnightUtc, unescapeCommentary } from './linkedin-commentary';
import type { PostMetricsReading, PublishedPostRef } from '../post-metrics';
import { readLinkedInPostMetrics } from './linkedin-post-metrics';

export interface LinkedInAdapterOptions {
  /** API root, e.g. https://api.linkedin.com (the /rest paths are appended; a trailing /rest is tolerated). */
  baseUrl: string;
  /** LinkedIn-Version header, YYYYMM, e.g. '202405'. Versions retire after about a year (426). */
  version: string;
  timeoutMs?: number;
  mediaFetcher: MediaFetcher;
  /** Pages of 50 organisation posts findPublished reads before giving up (default 4). */
  lookupPages?: number;
  /** OAuth root for the refresh-token grant (default https://www.linkedin.com) and the app's client id and secret. */
  oauthBaseUrl?: string;
  clientId?: string;
  clientSecret?: string;
}

/** LinkedIn access tokens last 60 days (learn.microsoft.com/linkedin/shared/authentication/programmatic-refresh-tokens). */
export const LINKEDIN_ACCESS_TOKEN_TTL_MS = 60 * 24 * 3_600_000;

/**
 * A channel's LinkedIn credentials with their expiry known: LinkedIn's token answer says
 * `expires_in`, but credentials pasted or stored without it get the documented 60 days from now.
 */
export function withLinkedInExpiry(credentials: ChannelCredentials, now: number = Date.now()): ChannelCredentials {
  if (typeof credentials.expiresAt === 'number' || !credentials.accessToken) return credentials;
  return { ...credentials, expiresAt: now + LINKEDIN_ACCESS_TOKEN_TTL_MS };
}

interface LinkedInError {
  status?: number;
  serviceErrorCode?: number;
  code?: string;
  message?: string;
  errorDetails?: { inputErrors?: Array<{ code?: string; description?: string }> };
}

interface LinkedInPost {
  id: string;
  commentary?: string;
  createdAt?: number;
  publishedAt?: number;
}

type Call = 'create' | 'read' | 'upload';

const DAY = 24 * 3_600_000;
const CLOCK_SKEW_MS = 2 * 60_000;
const PAGE = 50;

/**
 * LinkedIn Posts API (docs/networks.md, LinkedIn). The channel's externalId is the author URN
 * (urn:li:organization:… for a page, urn:li:person:… for a member); credentials.accessToken
 * is the OAuth token. No refresh here: the wire-format doc does not describe LinkedIn's
 * refresh_token grant, so expired tokens go to "needs reauth".
 */
export class LinkedInAdapter implements NetworkAdapter {
  readonly network = 'linkedin' as const;
  /**
   * LinkedIn publishes no posting numbers (daily per-member and per-app quotas, midnight UTC
   * reset, visible only in the developer portal). 150 a day per member is the figure long cited for
   * its share API; we apply it to every channel as a conservative ceiling.
   */
  readonly postingLimits: PostingLimit[] = [{ posts: 150, windowMs: DAY }];

  private readonly http: AxiosInstance;
  private readonly mediaFetcher: MediaFetcher;
  private readonly version: string;
  private readonly lookupPages: number;

  constructor(private readonly options: LinkedInAdapterOptions) {
    this.version = options.version;
    this.mediaFetcher = options.mediaFetcher;
    this.lookupPages = options.lookupPages ?? 4;
    this.http = axios.create({
      baseURL: options.baseUrl.replace(/\/+$/, '').replace(/\/rest$/, ''),
      timeout: options.timeoutMs ?? 15_000,
      validateStatus: () => true,
      maxRedirects: 0,
      ...keepAliveAgents(),
      paramsSerializer: { serialize: restliQuery },
    });
  }

  async publish(channel: ChannelContext, request: PublishRequest): Promise<PublishedPost> {
    const author = channel.externalId;
    const images: string[] = [];
    for (const item of request.media) {
      if (item.type !== 'image') throw new NetworkError('content', 'Chorus cannot post videos to LinkedIn yet; use images.');
      images.push(await this.uploadImage(channel, item.url));
    }
    if (images.length > 20) throw new NetworkError('content', 'LinkedIn accepts at most 20 images per post.');
    const body: Record<string, unknown> = {
      author,
      commentary: escapeCommentary(request.text),
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    };
    if (images.length === 1) body.content = { media: { id: images[0] } };
    if (images.length > 1) body.content = { multiImage: { images: images.map((id) => ({ id })) } };

    const res = await this.call(channel, { method: 'POST', url: '/rest/posts', data: body }, 'create');
    if (res.status === 201) {
      const urn = String(res.headers['x-restli-id'] ?? res.headers['x-linkedin-id'] ?? '');
      if (!urn) throw new NetworkError('unknown', 'LinkedIn accepted the post but did not say its id.', { maybeCommitted: true, httpStatus: 201 });
      return { externalId: urn, url: postUrl(urn), publishedAt: new Date() };
    }
    const error = classify(res, 'create');
    if (error.options.networkCode === 'DUPLICATE_POST') throw await this.describeDuplicate(channel, error);
    throw error;
  }

  /** A member's posts cannot be listed by an app (see findPublished). */
  canListPosts(channel: ChannelContext): boolean {
    return isOrganization(channel.externalId);
  }

  /**
   * Organisations: reads the page's recent posts for the same commentary after `since`.
   * Members: LinkedIn does not let an app list a member's posts (r_member_social is restricted),
   * so this cannot tell and throws 'unknown'. A retry is still safe there: LinkedIn refuses the
   * same commentary as DUPLICATE_POST naming the original, which publish reports as duplicateOf.
   */
  async findPublished(channel: ChannelContext, request: PublishRequest, since: Date): Promise<PublishedPost | null> {
    if (!isOrganization(channel.externalId)) {
      throw new NetworkError(
        'unknown',
        `LinkedIn does not let Chorus list the posts of a personal profile (${channel.handle}), so it cannot check whether this post went out.`,
      );
    }
    const wanted = comparable(request.text);
    const oldest = since.getTime() - CLOCK_SKEW_MS;
    for (let page = 0; page < this.lookupPages; page++) {
      const res = await this.call(channel, {
        method: 'GET',
        url: '/rest/posts',
        params: { q: 'author', author: channel.externalId, count: PAGE, start: page * PAGE, sortBy: 'LAST_MODIFIED' },
        headers: { 'X-RestLi-Method': 'FINDER' },
      }, 'read');
      if (res.status !== 200) throw classify(res, 'read');
      const elements = ((res.data as { elements?: LinkedInPost[] }).elements ?? []);
      let anyRecent = false;
      for (const p of elements) {
        const at = p.publishedAt ?? p.createdAt ?? 0;
        if (at < oldest) continue;
        anyRecent = true;
        if (comparable(unescapeCommentary(p.commentary ?? '')) === wanted) return { externalId: p.id, url: postUrl(p.id), publishedAt: new Date(at) };
      }
      // Sorted by last modification: once a page holds nothing recent, older pages will not either.
      if (elements.length < PAGE || !anyRecent) return null;
    }
    throw new NetworkError('unknown', `Could not tell whether the post went out on ${channel.handle}: too many recent posts to check.`);
  }

  /**
   * LinkedIn grants refresh tokens only to approved Marketing Developer Platform apps (a year
   * long; each refresh gives a new 60-day access token). Without one, the partner reconnects.
   */
  async refreshCredentials(channel: ChannelContext): Promise<ChannelCredentials> {
    const refreshToken = channel.credentials.refreshToken;
    if (!refreshToken) {
      throw new NetworkError('auth', `The LinkedIn connection of ${channel.handle} has expired and LinkedIn gave no way to renew it (its access lasts 60 days). Reconnect the account in Chorus.`);
    }
    if (!this.options.clientId || !this.options.clientSecret) {
      throw new NetworkError('unknown', 'Chorus is not configured with a LinkedIn app client id and secret, so it cannot renew LinkedIn connections.');
    }
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.options.clientId, client_secret: this.options.clientSecret });
    let res: AxiosResponse<unknown>;
    const now = Date.now();
    try {
      res = await this.http.post(`${(this.options.oauthBaseUrl ?? 'https://www.linkedin.com').replace(/\/+$/, '')}/oauth/v2/accessToken`, form, {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
    } catch (err) {
      throw transportError(err, 'LinkedIn', false);
    }
    const body = (res.data && typeof res.data === 'object' ? res.data : {}) as { access_token?: string; expires_in?: number; refresh_token?: string; refresh_token_expires_in?: number };
    if (res.status === 200 && body.access_token) {
      return {
        ...channel.credentials,
        accessToken: body.access_token,
        expiresAt: now + (typeof body.expires_in === 'number' ? body.expires_in * 1000 : LINKEDIN_ACCESS_TOKEN_TTL_MS),
        refreshToken: body.refresh_token ?? refreshToken,
        ...(typeof body.refresh_token_expires_in === 'number' ? { refreshExpiresAt: now + body.refresh_token_expires_in * 1000 } : {}),
      };
    }
    if (res.status >= 500) throw new NetworkError('transient', `LinkedIn could not renew the connection right now (${res.status}); will try again.`, { httpStatus: res.status });
    throw new NetworkError('auth', `LinkedIn refused to renew the connection of ${channel.handle} (its renewal may have expired after a year); reconnect the account.`, { httpStatus: res.status });
  }

  /** Organisation followers from networkSizes; a member's count is not available to apps. */
  async readFollowers(channel: ChannelContext): Promise<FollowerReading> {
    if (!isOrganization(channel.externalId)) return { followers: null, posts: null };
    const res = await this.call(channel, {
      method: 'GET',
      url: `/rest/networkSizes/${encodeURIComponent(channel.externalId)}`,
      params: { edgeType: 'COMPANY_FOLLOWED_BY_MEMBER' },
    }, 'read');
    if (res.status !== 200) throw classify(res, 'read');
    const size = (res.data as { firstDegreeSize?: unknown }).firstDegreeSize;
    return { followers: typeof size === 'number' ? size : null, posts: null };
  }

  /** Per-post figures (issue 21): see linkedin-post-metrics.ts. */
  readPostMetrics(channel: ChannelContext, post: PublishedPostRef): Promise<PostMetricsReading> {
    return readLinkedInPostMetrics(channel.externalId, async (url, params) => {
      const res = await this.call(channel, { method: 'GET', url, params }, 'read');
      if (res.status !== 200) throw classify(res, 'read');
      return res.data;
    }, post);
  }

  private async uploadImage(channel: ChannelContext, url: string): Promise<string> {
    const file = await this.mediaFetcher.fetch(url);
    const init = await this.call(channel, {
      method: 'POST',
      url: '/rest/images',
      params: { action: 'initializeUpload' },
      data: { initializeUploadRequest: { owner: channel.externalId } },
    }, 'upload');
    if (init.status !== 200) throw classify(init, 'upload');
    const value = (init.data as { value?: { uploadUrl?: string; image?: string } }).value;
    if (!value?.uploadUrl || !value.image) throw new NetworkError('unknown', 'LinkedIn answered the image upload request with something unexpected.');
    const put = await this.call(channel, { method: 'PUT', url: value.uploadUrl, data: file.bytes, headers: { 'Content-Type': file.contentType } }, 'upload');
    if (put.status < 200 || put.status >= 300) throw classify(put, 'upload');
    return value.image;
  }

  /** Checks the post a DUPLICATE_POST names: LinkedIn sometimes names one that was deleted. */
  private async describeDuplicate(channel: ChannelContext, error: NetworkError): Promise<NetworkError> {
    const urn = error.options.duplicateOf?.externalId;
    if (!urn) return error;
    let res: AxiosResponse<unknown> | undefined;
    try {
      res = await this.call(channel, { method: 'GET', url: `/rest/posts/${encodeURIComponent(urn)}` }, 'read');
    } catch {
      res = undefined;
    }
    if (res?.status === 404) {
      return new NetworkError('content', 'LinkedIn refuses this text as a duplicate of an earlier post that has since been deleted; change the text to publish it again.', {
        ...error.options,
        duplicate: false,
        duplicateOf: undefined,
      });
    }
    const at = res?.status === 200 ? ((res.data as LinkedInPost).publishedAt ?? (res.data as LinkedInPost).createdAt) : undefined;
    return new NetworkError('content', error.message, { ...error.options, duplicateOf: { externalId: urn, url: postUrl(urn), publishedAt: at ? new Date(at) : new Date() } });
  }

  private async call(channel: ChannelContext, config: AxiosRequestConfig, call: Call): Promise<AxiosResponse<unknown>> {
    const token = channel.credentials.accessToken;
    if (!token) throw new NetworkError('auth', `The LinkedIn channel ${channel.handle} has no access token; reconnect it.`);
    try {
      const res = await this.http.request({
        ...config,
        headers: {
          ...config.headers,
          Authorization: `Bearer ${token}`,
          'LinkedIn-Version': this.version,
          'X-Restli-Protocol-Version': '2.0.0',
        },
      });
      if (res.status === 426) throw versionRefused(res, this.version);
      return res;
    } catch (err) {
      if (err instanceof NetworkError) throw err;
      throw transportError(err, 'LinkedIn', call === 'create');
    }
  }
}

/**
 * LinkedIn retired the API version Chorus is configured with: nothing reaches LinkedIn until the
 * operator sets a current one, so say exactly that (the manager reads it on the delivery).
 */
function versionRefused(res: AxiosResponse<unknown>, version: string): NetworkError {
  const body = (res.data && typeof res.data === 'object' ? res.data : {}) as LinkedInError;
  return new NetworkError(
    'unknown',
    `LinkedIn refused this post because Chorus uses LinkedIn API version ${version}, which LinkedIn no longer serves. Nothing was published. Ask the person who runs Chorus to set LINKEDIN_API_VERSION to a current version (YYYYMM, less than a year old) and restart it; Chorus tries again a few times meanwhile.`,
    { httpStatus: 426, networkCode: body.code ?? 'NONEXISTENT_VERSION' },
  );
}

/**
 * Rest.li 2.0 query strings (learn.microsoft.com/linkedin/shared/api-guide/concepts/protocol-version):
 * every value URL-encoded (a URN's colons become %3A), except the `List(…)` syntax around values.
 * axios's own serializer leaves colons raw, which LinkedIn refuses.
 */
export function restliQuery(params: Record<string, unknown>): string {
  const value = (v: string): string => {
    const list = /^List\((.*)\)$/.exec(v);
    return list ? `List(${list[1].split(',').map((item) => encodeURIComponent(item)).join(',')})` : encodeURIComponent(v);
  };
  return Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${encodeURIComponent(k)}=${value(String(v))}`)
    .join('&');
}

function isOrganization(urn: string): boolean {
  return urn.startsWith('urn:li:organization:');
}

function postUrl(urn: string): string {
  return `https://www.linkedin.com/feed/update/${urn}`;
}

function comparable(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Maps a LinkedIn error answer (docs/networks.md, LinkedIn) to a NetworkError. */
export function classify(res: AxiosResponse<unknown>, call: Call, now: Date = new Date()): NetworkError {
  const status = res.status;
  const body = (res.data && typeof res.data === 'object' ? res.data : {}) as LinkedInError;
  const serviceCode = body.serviceErrorCode !== undefined ? String(body.serviceErrorCode) : undefined;
  const input = body.errorDetails?.inputErrors?.[0];
  const base = { httpStatus: status };
  if (status === 429) {
    // No reset header: LinkedIn's quotas are daily and reset at midnight UTC.
    return new NetworkError('rate_limited', "LinkedIn's daily limit for this account is reached; publishing resumes after midnight UTC.", {
      ...base,
      networkCode: serviceCode ?? 'TOO_MANY_REQUESTS',
      retryAt: nextMidnightUtc(now),
    });
  }
  if (status === 401) {
    const why =
      body.code === 'EXPIRED_ACCESS_TOKEN' ? 'the connection has expired'
      : body.code === 'REVOKED_ACCESS_TOKEN' ? 'access was revoked from LinkedIn'
      : 'the access token was not accepted';
    return new NetworkError('auth', `LinkedIn refused access (${why}); reconnect the account.`, { ...base, networkCode: serviceCode ?? body.code });
  }
  if (status === 403) {
    return new NetworkError('auth', 'LinkedIn says this account lacks the permission for this action (for a page, the connected person must be one of its admins); reconnect with the right account.', {
      ...base,
      networkCode: body.code ?? serviceCode,
    });
  }
  if (status === 422 && input?.code === 'DUPLICATE_POST') {
    const urn = /urn:li:(?:share|ugcPost):\d+/.exec(body.message ?? '')?.[0];
    return new NetworkError('content', 'LinkedIn says this exact text was already posted on this account.', {
      ...base,
      networkCode: 'DUPLICATE_POST',
      duplicate: true,
      duplicateOf: urn ? { externalId: urn, url: postUrl(urn), publishedAt: now } : undefined,
    });
  }
  if (status >= 500) {
    return new NetworkError('transient', `LinkedIn had a server problem (${status}); will try again.`, { ...base, maybeCommitted: call === 'create' });
  }
  if ((status === 400 || status === 422) && call !== 'read') {
    return new NetworkError('content', `LinkedIn refused the post: ${input?.description ?? body.message ?? 'invalid request'}.`, { ...base, networkCode: input?.code ?? body.code });
  }
  return new NetworkError('unknown', `LinkedIn answered ${status}${body.message ? `: ${body.message}` : ''}.`, { ...base, networkCode: body.code ?? serviceCode });
}

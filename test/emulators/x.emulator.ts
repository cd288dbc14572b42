import http from 'node:http';
import { parseTweet } from 'twitter-text';
import {
  BaseEmulator,
  EmulatedPost,
  EmulatorRequest,
  Fault,
  hangThenReset,
  resetConnection,
  sendHtml,
  sendJson,
} from './emulator';

/**
 * X (Twitter) API v2 emulator — docs/networks.md, X It answers whatever Host the client sends
 * (twitter-api-v2 keeps `Host: api.x.com`, see §0.3), so point the library at it with an agent
 * that claims `https:` and connects here.
 *
 * Routes: POST /2/tweets · GET /2/users/me · GET /2/users/:id/tweets · POST /2/media/upload/initialize
 * · POST /2/media/upload/:id/append · POST /2/media/upload/:id/finalize · GET /2/media/upload
 * (command=STATUS) · POST /2/media/metadata · POST /2/oauth2/token.
 *
 * Faults (`inject(fault, on)`): `on` is 'publish' (POST /2/tweets), 'media' (the upload calls),
 * 'oauth2' (the token endpoint), 'any', or a path prefix such as '/2/users/me'.
 * - rate_limit {resetInSeconds=900, scope='window'|'user24h'|'app24h'|'monthly'}: 429 with the
 *   matching headers (window: x-rate-limit-remaining 0; user24h/app24h: the 24-hour set at 0;
 *   monthly: UsageCapExceeded body, no reset header).
 * - server_error {status=503, html?}: problem body, or an HTML page when html is true.
 * - server_error_after_commit {status=503}: the post is created, then the 5xx.
 * - applied_after_timeout {ms}: the request is held ms (past the client's timeout), then carried out: the post appears late.
 * - connection_reset {afterCommit?}: socket destroyed (after creating the post if afterCommit).
 * - hang {ms}: no answer for ms, then the socket is destroyed (nothing is created).
 * - expired_token / revoked_token: 401 problem body (X sends the same body for both).
 * - duplicate: 403 duplicate-content body.
 * - text_too_long: 400 invalid-request body.
 * Natural behaviour, without faults: unknown/expired bearer → 401; identical text already posted
 * by the account → 403 duplicate; over 280 weighted characters → 400; optional per-user 24 h cap
 * (`userPostCap24h`) → 429 with the x-user-limit-24hour-* headers.
 */

export interface XEmulatorAccount {
  id: string;
  username: string;
  name?: string;
  /** OAuth 2.0 user access token accepted for this account (also matched as OAuth 1.0a oauth_token). */
  token: string;
  refreshToken?: string;
  followers?: number;
  /** Posts made before the emulator started (added to tweet_count). */
  tweetCount?: number;
  /**
   * OAuth 2.0 scopes the user granted; default all Chorus asks for. Media upload needs
   * `media.write` (docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code): without
   * it X answers 403 Forbidden on /2/media/upload.
   */
  scopes?: string[];
}

export interface XEmulatorOptions {
  accounts: XEmulatorAccount[];
  /** When set, the token endpoint requires this client id (Basic auth or client_id). */
  clientId?: string;
  /** Per-user 24 h post cap, as an app plan may set; unset = no cap. */
  userPostCap24h?: number;
  /** Reject identical text from the same account with 403 (X's behaviour). Default true. */
  rejectDuplicates?: boolean;
  /** Cap on recorded requests (0 = none). Default 1000. */
  recordRequests?: number;
  /** Epoch ms of "now", for tests that move time; default Date.now. */
  now?: () => number;
}

interface AccountState {
  id: string;
  username: string;
  name: string;
  accessToken: string | null;
  refreshToken: string | null;
  scopes: Set<string>;
  tweetCount: number;
  posts: EmulatedPost[];
  texts: Set<string>;
}

interface UploadedMedia {
  id: string;
  accountId: string;
  mediaType: string;
  category: string;
  totalBytes: number;
  receivedBytes: number;
  finalized: boolean;
  altText?: string;
}

const PROBLEM_CONTENT_TYPE = 'application/json; charset=utf-8';
const TWITTER_EPOCH = 1288834974657n;

const BODIES = {
  unauthorized: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
  forbidden: { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' },
  tooMany: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
  usageCap: {
    title: 'UsageCapExceeded',
    detail: 'Usage cap exceeded: Monthly product cap',
    type: 'https://api.twitter.com/2/problems/usage-capped',
    period: 'Monthly',
    scope: 'Product',
  },
  duplicate: {
    detail: 'You are not allowed to create a Tweet with duplicate content.',
    type: 'about:blank',
    title: 'Forbidden',
    status: 403,
  },
  tooLong: {
    errors: [
      {
        message:
          'Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.',
      },
    ],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  },
} as const;

function invalidRequest(message: string, parameters?: Record<string, string[]>): unknown {
  return {
    errors: [{ ...(parameters ? { parameters } : {}), message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  };
}

function serverErrorBody(status: number): unknown {
  const title = status === 503 ? 'Service Unavailable' : status === 502 ? 'Bad Gateway' : 'Internal Server Error';
  return { title, detail: title, type: 'about:blank', status };
}

const HTML_5XX = '<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>';

/** Faults every X endpoint can honour; the rest only make sense on POST /2/tweets. */
const GENERIC_FAULTS = new Set(['rate_limit', 'server_error', 'connection_reset', 'hang', 'expired_token', 'revoked_token']);

export class XEmulator extends BaseEmulator {
  private readonly accounts = new Map<string, AccountState>();
  private readonly byAccessToken = new Map<string, AccountState>();
  private readonly byRefreshToken = new Map<string, AccountState>();
  private readonly media = new Map<string, UploadedMedia>();
  private readonly postsById = new Map<string, EmulatedPost>();
  private readonly options: XEmulatorOptions;
  private sequence = 0n;
  private tokenCounter = 0;

  constructor(options: XEmulatorOptions) {
    super();
    this.options = options;
    this.maxRecordedRequests = options.recordRequests ?? 1000;
    for (const a of options.accounts) this.addAccount(a);

    this.route('POST', '/2/tweets', (req, res) => this.createTweet(req, res));
    this.route('GET', '/2/users/me', (req, res) => this.me(req, res));
    this.route('GET', '/2/users/:id/tweets', (req, res) => this.timeline(req, res));
    this.route('GET', '/2/tweets/:id', (req, res) => this.tweet(req, res));
    this.route('POST', '/2/media/upload/initialize', (req, res) => this.mediaInitialize(req, res));
    this.route('POST', '/2/media/upload/:id/append', (req, res) => this.mediaAppend(req, res));
    this.route('POST', '/2/media/upload/:id/finalize', (req, res) => this.mediaFinalize(req, res));
    this.route('GET', '/2/media/upload', (req, res) => this.mediaStatus(req, res));
    this.route('POST', '/2/media/metadata', (req, res) => this.mediaMetadata(req, res));
    this.route('POST', '/2/oauth2/token', (req, res) => this.oauthToken(req, res));
  }

  addAccount(a: XEmulatorAccount): void {
    const state: AccountState = {
      id: a.id,
      username: a.username,
      name: a.name ?? a.username,
      accessToken: a.token,
      refreshToken: a.refreshToken ?? null,
      scopes: new Set(a.scopes ?? ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access']),
      tweetCount: a.tweetCount ?? 0,
      posts: [],
      texts: new Set(),
    };
    this.accounts.set(a.id, state);
    this.byAccessToken.set(a.token, state);
    if (a.refreshToken) this.byRefreshToken.set(a.refreshToken, state);
    this.followers.set(a.id, a.followers ?? 0);
  }

  setFollowers(accountId: string, followers: number): void {
    this.followers.set(accountId, followers);
  }

  /** The account's current access token stops working (a refresh gives a new one). */
  expireAccessToken(accountId: string): void {
    const a = this.account(accountId);
    if (a.accessToken) this.byAccessToken.delete(a.accessToken);
    a.accessToken = null;
  }

  /** The user revoked the app: access and refresh tokens both stop working. */
  revokeTokens(accountId: string): void {
    this.expireAccessToken(accountId);
    const a = this.account(accountId);
    if (a.refreshToken) this.byRefreshToken.delete(a.refreshToken);
    a.refreshToken = null;
  }

  /** Current tokens of an account (after rotations). */
  tokensOf(accountId: string): { accessToken: string | null; refreshToken: string | null } {
    const a = this.account(accountId);
    return { accessToken: a.accessToken, refreshToken: a.refreshToken };
  }

  postsOf(accountId: string): readonly EmulatedPost[] {
    return this.account(accountId).posts;
  }

  private account(id: string): AccountState {
    const a = this.accounts.get(id);
    if (!a) throw new Error(`XEmulator: no account ${id}`);
    return a;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private nextId(): string {
    this.sequence += 1n;
    return ((BigInt(this.now()) - TWITTER_EPOCH) * 4194304n + (this.sequence % 4194304n)).toString();
  }

  private rateHeaders(limit: number, remaining: number, resetInSeconds = 900): Record<string, string> {
    return {
      'x-rate-limit-limit': String(limit),
      'x-rate-limit-remaining': String(Math.max(0, remaining)),
      'x-rate-limit-reset': String(Math.floor(this.now() / 1000) + resetInSeconds),
      'x-transaction-id': Math.random().toString(16).slice(2, 18),
      'api-version': '2.62',
    };
  }

  private authenticate(req: EmulatorRequest): AccountState | undefined {
    const header = String(req.headers.authorization ?? '');
    if (header.startsWith('Bearer ')) return this.byAccessToken.get(header.slice(7));
    if (header.startsWith('OAuth ')) {
      const m = /oauth_token="([^"]*)"/.exec(header);
      return m ? this.byAccessToken.get(decodeURIComponent(m[1])) : undefined;
    }
    return undefined;
  }

  /**
   * Answers a fault that needs no work from the endpoint. Returns the after-commit fault the
   * endpoint must apply once it has done its work, 'handled' when the answer was sent, or undefined.
   */
  private async answerFault(
    fault: Fault | undefined,
    res: http.ServerResponse,
    limit: number,
  ): Promise<'handled' | { afterCommit: 'server_error' | 'reset'; status: number } | undefined> {
    if (!fault) return undefined;
    const nowS = Math.floor(this.now() / 1000);
    switch (fault.kind) {
      case 'rate_limit': {
        const reset = nowS + (typeof fault.resetInSeconds === 'number' ? fault.resetInSeconds : 900);
        const requested = (fault as { scope?: unknown }).scope;
        const scope = typeof requested === 'string' ? requested : 'window';
        if (scope === 'monthly') {
          sendJson(res, 429, BODIES.usageCap, { 'x-transaction-id': 'usagecap' });
          return 'handled';
        }
        const headers: Record<string, string> = {
          'x-rate-limit-limit': String(limit),
          'x-rate-limit-remaining': scope === 'window' ? '0' : String(limit - 1),
          'x-rate-limit-reset': String(scope === 'window' ? reset : nowS + 900),
        };
        if (scope === 'user24h') {
          headers['x-user-limit-24hour-limit'] = String(this.options.userPostCap24h ?? 17);
          headers['x-user-limit-24hour-remaining'] = '0';
          headers['x-user-limit-24hour-reset'] = String(reset);
        }
        if (scope === 'app24h') {
          headers['x-app-limit-24hour-limit'] = '10000';
          headers['x-app-limit-24hour-remaining'] = '0';
          headers['x-app-limit-24hour-reset'] = String(reset);
        }
        sendJson(res, 429, BODIES.tooMany, headers);
        return 'handled';
      }
      case 'server_error': {
        const status = typeof fault.status === 'number' ? fault.status : 503;
        if (fault.html === true) sendHtml(res, status, HTML_5XX);
        else sendJson(res, status, serverErrorBody(status));
        return 'handled';
      }
      case 'server_error_after_commit':
        return { afterCommit: 'server_error', status: typeof fault.status === 'number' ? fault.status : 503 };
      case 'connection_reset':
        if (fault.afterCommit === true) return { afterCommit: 'reset', status: 0 };
        resetConnection(res);
        return 'handled';
      case 'hang':
        await hangThenReset(res, typeof fault.ms === 'number' ? fault.ms : 30_000);
        return 'handled';
      case 'expired_token':
      case 'revoked_token':
        sendJson(res, 401, BODIES.unauthorized);
        return 'handled';
      case 'duplicate':
        sendJson(res, 403, BODIES.duplicate, this.rateHeaders(limit, limit - 1));
        return 'handled';
      case 'text_too_long':
        sendJson(res, 400, BODIES.tooLong);
        return 'handled';
      default:
        return undefined;
    }
  }

  private takeReadFault(req: EmulatorRequest, operation?: string): Fault | undefined {
    return this.takeFaultFor({ path: req.path, isPublish: false, operation, accepts: (f) => GENERIC_FAULTS.has(f.kind) });
  }

  private async createTweet(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const fault = await this.applyLate(this.takeFaultFor({ path: req.path, isPublish: true }));
    const early = await this.answerFault(fault, res, 100);
    if (early === 'handled') return;

    const account = this.authenticate(req);
    if (!account) return sendJson(res, 401, BODIES.unauthorized);
    const body = (req.body ?? {}) as { text?: unknown; media?: { media_ids?: unknown } };
    const text = typeof body.text === 'string' ? body.text : '';
    const mediaIds = Array.isArray(body.media?.media_ids) ? body.media.media_ids.map(String) : [];
    if (!text && mediaIds.length === 0) return sendJson(res, 400, invalidRequest('Request must contain text or media.'));
    if (text && parseTweet(text).weightedLength > 280) return sendJson(res, 400, BODIES.tooLong);
    if (mediaIds.length > 4) return sendJson(res, 400, invalidRequest('media.media_ids must have at most 4 items.'));
    const badMedia = mediaIds.filter((id) => {
      const m = this.media.get(id);
      return !m || !m.finalized || m.accountId !== account.id;
    });
    if (badMedia.length) return sendJson(res, 400, invalidRequest('Your media IDs are invalid.', { 'media.media_ids': badMedia }));

    const now = this.now();
    if (this.options.userPostCap24h !== undefined) {
      const since = now - 86_400_000;
      const recent = account.posts.filter((p) => p.createdAt.getTime() > since);
      if (recent.length >= this.options.userPostCap24h) {
        const reset = Math.floor((recent[0].createdAt.getTime() + 86_400_000) / 1000);
        return sendJson(res, 429, BODIES.tooMany, {
          ...this.rateHeaders(100, 99),
          'x-user-limit-24hour-limit': String(this.options.userPostCap24h),
          'x-user-limit-24hour-remaining': '0',
          'x-user-limit-24hour-reset': String(reset),
        });
      }
    }
    if (this.options.rejectDuplicates !== false && account.texts.has(text)) {
      return sendJson(res, 403, BODIES.duplicate, this.rateHeaders(100, 99));
    }

    const post: EmulatedPost = {
      id: this.nextId(),
      accountId: account.id,
      text,
      createdAt: new Date(now),
      extra: {
        mediaIds,
        altTexts: mediaIds.map((id) => this.media.get(id)?.altText ?? null),
        mediaBytes: mediaIds.map((id) => this.media.get(id)?.totalBytes ?? 0),
      },
    };
    this.posts.push(post);
    this.postsById.set(post.id, post);
    account.posts.push(post);
    account.texts.add(text);

    if (early?.afterCommit === 'reset') return resetConnection(res);
    if (early?.afterCommit === 'server_error') return sendJson(res, early.status, serverErrorBody(early.status));

    const headers = this.rateHeaders(100, 99);
    if (this.options.userPostCap24h !== undefined) {
      const used = account.posts.filter((p) => p.createdAt.getTime() > now - 86_400_000).length;
      headers['x-user-limit-24hour-limit'] = String(this.options.userPostCap24h);
      headers['x-user-limit-24hour-remaining'] = String(Math.max(0, this.options.userPostCap24h - used));
      headers['x-user-limit-24hour-reset'] = String(Math.floor((account.posts[0].createdAt.getTime() + 86_400_000) / 1000));
    }
    sendJson(res, 201, { data: { id: post.id, text, edit_history_tweet_ids: [post.id] } }, headers);
  }

  private async me(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    if ((await this.answerFault(this.takeReadFault(req), res, 75)) === 'handled') return;
    const account = this.authenticate(req);
    if (!account) return sendJson(res, 401, BODIES.unauthorized);
    const fields = (req.query.get('user.fields') ?? '').split(',');
    const data: Record<string, unknown> = { id: account.id, name: account.name, username: account.username };
    if (fields.includes('public_metrics')) {
      data.public_metrics = {
        followers_count: this.followers.get(account.id) ?? 0,
        following_count: 0,
        tweet_count: account.tweetCount + account.posts.length,
        listed_count: 0,
      };
    }
    sendJson(res, 200, { data }, this.rateHeaders(75, 74));
  }

  /**
   * GET /2/tweets/:id (900 requests / 15 min per user). public_metrics only when asked in
   * tweet.fields; an unknown id is X's 200 with a resource-not-found error and no data.
   */
  private async tweet(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    if ((await this.answerFault(this.takeReadFault(req), res, 900)) === 'handled') return;
    if (!this.authenticate(req)) return sendJson(res, 401, BODIES.unauthorized);
    const id = req.params.id;
    if (!/^\d{1,19}$/.test(id)) return sendJson(res, 400, invalidRequest(`The \`id\` query parameter value [${id}] does not match ^[0-9]{1,19}$`, { id: [id] }));
    const post = this.posts.find((p) => p.id === id);
    if (!post) {
      return sendJson(res, 200, {
        errors: [{ value: id, detail: `Could not find tweet with id: [${id}].`, title: 'Not Found Error', resource_type: 'tweet', parameter: 'id', resource_id: id, type: 'https://api.twitter.com/2/problems/resource-not-found' }],
      }, this.rateHeaders(900, 899));
    }
    const data: Record<string, unknown> = { id: post.id, text: post.text, edit_history_tweet_ids: [post.id] };
    if ((req.query.get('tweet.fields') ?? '').split(',').includes('public_metrics')) {
      const c = this.postInteractions.get(post.id) ?? {};
      data.public_metrics = {
        retweet_count: c.reposts ?? 0, reply_count: c.replies ?? 0, like_count: c.likes ?? 0, quote_count: c.quotes ?? 0,
        bookmark_count: c.bookmarks ?? 0, impression_count: c.views ?? 0,
      };
    }
    sendJson(res, 200, { data }, this.rateHeaders(900, 899));
  }

  private async timeline(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    if ((await this.answerFault(this.takeReadFault(req), res, 900)) === 'handled') return;
    if (!this.authenticate(req)) return sendJson(res, 401, BODIES.unauthorized);
    const id = req.params.id;
    const account = this.accounts.get(id);
    if (!account) {
      return sendJson(res, 200, {
        errors: [
          {
            value: id,
            detail: `Could not find user with id: [${id}].`,
            title: 'Not Found Error',
            resource_type: 'user',
            parameter: 'id',
            resource_id: id,
            type: 'https://api.twitter.com/2/problems/resource-not-found',
          },
        ],
      });
    }
    const q = req.query;
    const max = q.has('max_results') ? Number(q.get('max_results')) : 10;
    if (!Number.isInteger(max) || max < 5 || max > 100) {
      return sendJson(res, 400, invalidRequest(`The \`max_results\` query parameter value [${q.get('max_results')}] is not between 5 and 100`, { max_results: [String(q.get('max_results'))] }));
    }
    const sinceId = q.get('since_id');
    const untilId = q.get('until_id') ?? q.get('pagination_token');
    const start = q.get('start_time') ? Date.parse(q.get('start_time') ?? '') : undefined;
    const end = q.get('end_time') ? Date.parse(q.get('end_time') ?? '') : undefined;
    const withCreatedAt = (q.get('tweet.fields') ?? '').split(',').includes('created_at');

    const matching: EmulatedPost[] = [];
    let more = false;
    for (let i = account.posts.length - 1; i >= 0; i--) {
      const p = account.posts[i];
      if (sinceId && BigInt(p.id) <= BigInt(sinceId)) break;
      if (untilId && BigInt(p.id) >= BigInt(untilId)) continue;
      const t = p.createdAt.getTime();
      if (start !== undefined && t < start) break;
      if (end !== undefined && t > end) continue;
      if (matching.length === max) {
        more = true;
        break;
      }
      matching.push(p);
    }
    if (matching.length === 0) return sendJson(res, 200, { meta: { result_count: 0 } }, this.rateHeaders(900, 899));
    const data = matching.map((p) => ({
      id: p.id,
      text: p.text,
      edit_history_tweet_ids: [p.id],
      ...(withCreatedAt ? { created_at: p.createdAt.toISOString() } : {}),
    }));
    const meta: Record<string, unknown> = {
      result_count: data.length,
      newest_id: data[0].id,
      oldest_id: data[data.length - 1].id,
    };
    if (more) meta.next_token = data[data.length - 1].id;
    sendJson(res, 200, { data, meta }, this.rateHeaders(900, 899));
  }

  private async mediaFaultOrAuth(req: EmulatorRequest, res: http.ServerResponse): Promise<AccountState | undefined> {
    if ((await this.answerFault(this.takeReadFault(req, 'media'), res, 500)) === 'handled') return undefined;
    const account = this.authenticate(req);
    if (!account) {
      sendJson(res, 401, BODIES.unauthorized);
      return undefined;
    }
    if (!account.scopes.has('media.write')) {
      sendJson(res, 403, BODIES.forbidden);
      return undefined;
    }
    return account;
  }

  private async mediaInitialize(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const account = await this.mediaFaultOrAuth(req, res);
    if (!account) return;
    const body = (req.body ?? {}) as { media_type?: unknown; total_bytes?: unknown; media_category?: unknown };
    const totalBytes = Number(body.total_bytes);
    if (typeof body.media_type !== 'string' || !Number.isInteger(totalBytes) || totalBytes <= 0) {
      return sendJson(res, 400, invalidRequest('media_type and total_bytes are required.'));
    }
    const id = this.nextId();
    this.media.set(id, {
      id,
      accountId: account.id,
      mediaType: body.media_type,
      category: typeof body.media_category === 'string' ? body.media_category : 'tweet_image',
      totalBytes,
      receivedBytes: 0,
      finalized: false,
    });
    sendJson(res, 200, { data: { id, media_key: `3_${id}`, expires_after_secs: 86400 } }, this.rateHeaders(500, 499));
  }

  private async mediaAppend(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const account = await this.mediaFaultOrAuth(req, res);
    if (!account) return;
    const m = this.media.get(req.params.id);
    if (!m || m.accountId !== account.id) return sendJson(res, 400, invalidRequest('Invalid media id.', { id: [req.params.id] }));
    const part = multipartField(req.headers['content-type'], req.rawBody, 'media');
    if (!part) return sendJson(res, 400, invalidRequest('media is required.'));
    m.receivedBytes += part.length;
    sendJson(res, 200, { data: { expires_at: Math.floor(this.now() / 1000) + 86400 } });
  }

  private async mediaFinalize(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const account = await this.mediaFaultOrAuth(req, res);
    if (!account) return;
    const m = this.media.get(req.params.id);
    if (!m || m.accountId !== account.id) return sendJson(res, 400, invalidRequest('Invalid media id.', { id: [req.params.id] }));
    if (m.receivedBytes !== m.totalBytes) {
      return sendJson(res, 400, invalidRequest('Segments do not add up to provided total file size.'));
    }
    m.finalized = true;
    const data: Record<string, unknown> = { id: m.id, media_key: `3_${m.id}`, size: m.totalBytes, expires_after_secs: 86400 };
    // Videos are processed asynchronously; the STATUS call then reports success at once.
    if (m.category !== 'tweet_image') data.processing_info = { state: 'pending', check_after_secs: 1 };
    sendJson(res, 200, { data });
  }

  private async mediaStatus(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const account = await this.mediaFaultOrAuth(req, res);
    if (!account) return;
    const m = this.media.get(req.query.get('media_id') ?? '');
    if (req.query.get('command') !== 'STATUS' || !m || m.accountId !== account.id) {
      return sendJson(res, 400, invalidRequest('Invalid media id.'));
    }
    sendJson(res, 200, { data: { id: m.id, media_key: `3_${m.id}`, processing_info: { state: 'succeeded', progress_percent: 100 } } });
  }

  private async mediaMetadata(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const account = await this.mediaFaultOrAuth(req, res);
    if (!account) return;
    const body = (req.body ?? {}) as { id?: unknown; metadata?: { alt_text?: { text?: unknown } } };
    const m = this.media.get(String(body.id));
    if (!m || m.accountId !== account.id) return sendJson(res, 400, invalidRequest('Invalid media id.'));
    const alt = body.metadata?.alt_text?.text;
    if (typeof alt === 'string') m.altText = alt;
    sendJson(res, 200, { data: { id: m.id, associated_metadata: { alt_text: { text: m.altText ?? '' } } } });
  }

  private async oauthToken(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const fault = this.takeFaultFor({ path: req.path, isPublish: false, operation: 'oauth2', accepts: (f) => GENERIC_FAULTS.has(f.kind) });
    if (fault && (fault.kind === 'expired_token' || fault.kind === 'revoked_token')) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
    }
    if ((await this.answerFault(fault, res, 1000)) === 'handled') return;
    const body = formOrJson(req);
    const clientId = body.client_id ?? basicClientId(req.headers.authorization);
    if (!clientId || (this.options.clientId && clientId !== this.options.clientId)) {
      return sendJson(res, 401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
    }
    if (body.grant_type !== 'refresh_token') {
      return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'Only refresh_token is emulated.' });
    }
    const account = body.refresh_token ? this.byRefreshToken.get(body.refresh_token) : undefined;
    if (!account) {
      // [INFERRED] X answers a used, revoked or unknown refresh token this way.
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
    }
    this.tokenCounter += 1;
    const suffix = `${account.id}-${this.tokenCounter}-${Math.random().toString(36).slice(2, 10)}`;
    if (account.accessToken) this.byAccessToken.delete(account.accessToken);
    if (account.refreshToken) this.byRefreshToken.delete(account.refreshToken);
    account.accessToken = `x-access-${suffix}`;
    account.refreshToken = `x-refresh-${suffix}`;
    this.byAccessToken.set(account.accessToken, account);
    this.byRefreshToken.set(account.refreshToken, account);
    sendJson(res, 200, {
      token_type: 'bearer',
      expires_in: 7200,
      access_token: account.accessToken,
      scope: [...account.scopes].join(' '),
      refresh_token: account.refreshToken,
    });
  }
}

function formOrJson(req: EmulatorRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) {
    for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) out[k] = v === undefined ? undefined : String(v);
  }
  return out;
}

function basicClientId(header: string | undefined): string | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  return decodeURIComponent(decoded.split(':')[0] ?? '');
}

/** Returns the bytes of one field of a multipart/form-data body. */
function multipartField(contentType: string | undefined, body: Buffer, name: string): Buffer | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  if (!m) return undefined;
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const start = pos + delimiter.length + 2; // skip CRLF
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start, next - 2); // drop CRLF before the delimiter
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      if (new RegExp(`name="${name}"`).test(headers)) return part.subarray(headerEnd + 4);
    }
    pos = next;
  }
  return undefined;
}

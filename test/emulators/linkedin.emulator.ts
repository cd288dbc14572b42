import http from 'node:http';
import { BaseEmulator, EmulatorRequest, Fault, sendHtml, sendJson } from './emulator';

/**
 * LinkedIn versioned REST emulator (docs/networks.md, LinkedIn), under /rest.
 *
 * Faults honoured (on 'publish' = POST /rest/posts, 'any', or a path prefix):
 * - rate_limit: 429 {"status":429,"serviceErrorCode":101,"code":"TOO_MANY_REQUESTS",…} with no reset header
 *   (LinkedIn resets daily at midnight UTC); resetInSeconds is ignored.
 * - server_error {status=500, html}: 500 {"message":"Internal Server Error","status":500} / 503 Service Unavailable,
 *   or an HTML error page with html.
 * - server_error_after_commit {status=500}: the post is created, then the 5xx.
 * - applied_after_timeout {ms}: the request is held ms (past the client's timeout), then carried out: the post appears late.
 * - connection_reset {afterCommit}: socket destroyed, optionally after creating the post.
 * - hang {ms, afterCommit?}: no answer for ms, then the socket is destroyed.
 * - expired_token: 401 serviceErrorCode 65600 EXPIRED_ACCESS_TOKEN; revoked_token: 401 65601 REVOKED_ACCESS_TOKEN.
 * - duplicate: 422 DUPLICATE_POST naming the account's latest post (or a ghost URN that answers 404).
 * - retired_version: 426 NONEXISTENT_VERSION, as for a sunset LinkedIn-Version.
 * Real state: posting the same commentary twice for one author → 422 DUPLICATE_POST with the original URN;
 * a LinkedIn-Version older than `oldestActiveVersion` → 426 NONEXISTENT_VERSION; unknown token → 401 65600.
 */
export interface LinkedInEmulatorAccount {
  /** Author URN: urn:li:organization:ID (a page) or urn:li:person:ID (a member). */
  urn: string;
  token: string;
  /** Organisation followers (members have none readable). */
  followers?: number;
  /** A programmatic refresh token (only approved Marketing partners get one). */
  refreshToken?: string;
}

export interface LinkedInEmulatorOptions {
  accounts: LinkedInEmulatorAccount[];
  /** The app's client credentials the token endpoint requires. */
  clientId?: string;
  clientSecret?: string;
  /**
   * Versions before this (YYYYMM) are retired: 426. Default: as LinkedIn does, from the clock: a
   * version is served until the 15th of its month a year later, and not before its month.
   */
  oldestActiveVersion?: string;
  clock?: () => number;
}

interface StoredPost {
  urn: string;
  author: string;
  commentary: string;
  createdAt: number;
  body: Record<string, unknown>;
}

export const GHOST_URN = 'urn:li:share:6999999999999999999';

export class LinkedInEmulator extends BaseEmulator {
  private readonly accountsByToken = new Map<string, LinkedInEmulatorAccount>();
  private readonly stored: StoredPost[] = [];
  private readonly byUrn = new Map<string, StoredPost>();
  private readonly byCommentary = new Map<string, StoredPost>();
  private readonly images = new Map<string, { owner: string; uploaded: boolean }>();
  private readonly oldestActiveVersion: string | undefined;
  private readonly clock: () => number;
  private seq = 0n;

  constructor(private readonly options: LinkedInEmulatorOptions) {
    super();
    this.oldestActiveVersion = options.oldestActiveVersion;
    this.clock = options.clock ?? Date.now;
    for (const a of options.accounts) {
      this.accountsByToken.set(a.token, a);
      this.followers.set(a.urn, a.followers ?? 0);
    }
    this.route('POST', '/rest/posts', (req, res) => this.createPost(req, res));
    this.route('GET', '/rest/posts', (req, res) => this.findPosts(req, res));
    this.route('GET', '/rest/posts/:urn', (req, res) => this.getPost(req, res));
    this.route('POST', '/rest/images', (req, res) => this.initializeUpload(req, res));
    this.route('PUT', '/dms-uploads/:id', (req, res) => this.upload(req, res));
    this.route('GET', '/rest/networkSizes/:urn', (req, res) => this.networkSize(req, res));
    this.route('POST', '/oauth/v2/accessToken', (req, res) => this.refresh(req, res));
  }

  /**
   * The refresh-token grant (learn.microsoft.com/linkedin/shared/authentication/programmatic-refresh-tokens):
   * a new 60-day access token, the refresh token's own lifetime unchanged. The old access token stops working.
   */
  private refresh(req: EmulatorRequest, res: http.ServerResponse): void {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    if (body.grant_type !== 'refresh_token') return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'grant_type must be refresh_token' });
    if ((this.options.clientId && body.client_id !== this.options.clientId) || (this.options.clientSecret && body.client_secret !== this.options.clientSecret)) {
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    const account = [...this.accountsByToken.values()].find((a) => a.refreshToken && a.refreshToken === body.refresh_token);
    if (!account) return sendJson(res, 400, { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked.' });
    this.accountsByToken.delete(account.token);
    this.seq += 1n;
    account.token = `li-refreshed-${this.seq}`;
    this.accountsByToken.set(account.token, account);
    sendJson(res, 200, { access_token: account.token, expires_in: 5_184_000, refresh_token: account.refreshToken, refresh_token_expires_in: 31_536_000 - 86_400 });
  }

  private preFault(fault: Fault | undefined, res: http.ServerResponse): boolean {
    if (!fault) return false;
    switch (fault.kind) {
      case 'rate_limit':
        sendJson(res, 429, {
          status: 429,
          serviceErrorCode: 101,
          code: 'TOO_MANY_REQUESTS',
          message: 'Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this resource is reached.',
        });
        return true;
      case 'server_error':
        serverError(res, Number(fault.status ?? 500), fault.html === true);
        return true;
      case 'connection_reset':
      case 'hang':
        return this.answerTransportFault(fault, res, 'before_commit');
      case 'expired_token':
        sendJson(res, 401, { status: 401, serviceErrorCode: 65600, code: 'EXPIRED_ACCESS_TOKEN', message: 'The token used in the request has expired' });
        return true;
      case 'retired_version':
        // As LinkedIn answers a sunset LinkedIn-Version, whatever version the request named.
        sendJson(res, 426, { status: 426, code: 'NONEXISTENT_VERSION', message: 'Requested version is not active' });
        return true;
      case 'revoked_token':
        sendJson(res, 401, { status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'The token used in the request has been revoked by the user' });
        return true;
      default:
        return false;
    }
  }

  private postFault(fault: Fault | undefined, res: http.ServerResponse): boolean {
    return this.answerAfterCommitFault(fault, res, (status) => serverError(res, status, false));
  }

  /** Version and token checks shared by every /rest call; answers and returns undefined on failure. */
  private guard(req: EmulatorRequest, res: http.ServerResponse): LinkedInEmulatorAccount | undefined {
    const version = String(req.headers['linkedin-version'] ?? '');
    if (!version) {
      sendJson(res, 400, { status: 400, code: 'VERSION_MISSING', message: 'A version must be present. Please specify a version by adding the LinkedIn-Version header.' });
      return undefined;
    }
    if (!/^\d{6}(\.\d{2})?$/.test(version) || !this.versionServed(version.slice(0, 6))) {
      sendJson(res, 426, { status: 426, code: 'NONEXISTENT_VERSION', message: `Requested version ${version} is not active` });
      return undefined;
    }
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const account = token ? this.accountsByToken.get(token) : undefined;
    if (!account) {
      sendJson(res, 401, { status: 401, serviceErrorCode: 65600, code: 'INVALID_ACCESS_TOKEN', message: 'Invalid access token' });
      return undefined;
    }
    return account;
  }

  /** learn.microsoft.com/linkedin/marketing/versioning: each monthly version is served about a year, then answers 426. */
  private versionServed(version: string): boolean {
    if (this.oldestActiveVersion) return version >= this.oldestActiveVersion;
    const now = new Date(this.clock());
    const year = Number(version.slice(0, 4));
    const month = Number(version.slice(4, 6));
    if (month < 1 || month > 12) return false;
    const released = Date.UTC(year, month - 1, 1);
    const sunset = Date.UTC(year + 1, month - 1, 15);
    return released <= now.getTime() && now.getTime() < sunset;
  }

  private async createPost(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const fault = await this.applyLate(this.takeFault(req.path, true));
    if (this.preFault(fault, res)) return;
    const account = this.guard(req, res);
    if (!account) return;
    if (req.headers['x-restli-protocol-version'] !== '2.0.0') {
      return sendJson(res, 400, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'X-Restli-Protocol-Version 2.0.0 is required' });
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const author = String(body.author ?? '');
    if (author !== account.urn) {
      return sendJson(res, 403, { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: `Not enough permissions to access: partnerApiPostsExternal.CREATE.${version(req)}` });
    }
    const commentary = typeof body.commentary === 'string' ? body.commentary : '';
    const little = parseLittleText(commentary);
    if ([...commentary].length > 3000) {
      return sendJson(res, 422, inputError('Invalid param. Please see errorDetails for more information.', 'Commentary exceeds maximum length of 3000', 'PARAM_INVALID', 'commentary'));
    }
    for (const id of imageIds(body)) {
      const image = this.images.get(id);
      if (!image || !image.uploaded || image.owner !== author) {
        return sendJson(res, 422, inputError('Invalid param. Please see errorDetails for more information.', `Image ${id} is not available`, 'PARAM_INVALID', 'content'));
      }
    }
    if (fault?.kind === 'duplicate') {
      const latest = [...this.stored].reverse().find((p) => p.author === author);
      return sendJson(res, 422, duplicateBody(latest?.urn ?? GHOST_URN));
    }
    const original = this.byCommentary.get(`${author}\n${commentary}`);
    if (original) return sendJson(res, 422, duplicateBody(original.urn));

    this.seq += 1n;
    const urn = `urn:li:share:${7141138937766391808n + this.seq}`;
    const post: StoredPost = { urn, author, commentary, createdAt: this.clock(), body };
    this.stored.push(post);
    this.byUrn.set(urn, post);
    this.byCommentary.set(`${author}\n${commentary}`, post);
    this.posts.push({
      id: urn,
      accountId: author,
      text: little.text,
      link: articleSource(body),
      createdAt: new Date(post.createdAt),
      extra: { commentary, content: body.content, mentions: little.mentions, hashtags: little.hashtags, truncated: little.truncated },
    });

    if (this.postFault(fault, res)) return;
    res.writeHead(201, { 'x-restli-id': urn, 'x-linkedin-id': urn, 'content-length': 0 });
    res.end();
  }

  private findPosts(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), res)) return;
    const account = this.guard(req, res);
    if (!account) return;
    if (req.query.get('q') !== 'author') return sendJson(res, 400, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'Unsupported finder' });
    // Rest.li 2.0: URNs in query parameters must be URL-encoded (learn.microsoft.com/linkedin/shared/api-guide/concepts/protocol-version).
    const rawAuthor = /(?:^|&)author=([^&]*)/.exec(req.rawQuery)?.[1] ?? '';
    if (/[:()]/.test(rawAuthor)) {
      return sendJson(res, 400, { status: 400, code: 'ILLEGAL_ARGUMENT', message: `Invalid value for param author: ${rawAuthor} (URNs in query parameters must be URL-encoded)` });
    }
    const author = req.query.get('author') ?? '';
    if (!author.startsWith('urn:li:organization:') || author !== account.urn) {
      // Listing a member's posts needs r_member_social, a restricted permission.
      return sendJson(res, 403, { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: 'Not enough permissions to access: partnerApiPostsExternal.FINDER-author' });
    }
    const start = Number(req.query.get('start') ?? 0) || 0;
    const count = Math.min(Number(req.query.get('count') ?? 10) || 10, 100);
    const all = this.stored.filter((p) => p.author === author).reverse();
    const page = all.slice(start, start + count);
    const links = start + count < all.length ? [{ type: 'application/json', rel: 'next', href: `/rest/posts?author=${encodeURIComponent(author)}&count=${count}&q=author&start=${start + count}` }] : [];
    sendJson(res, 200, { paging: { start, count, links }, elements: page.map((p) => postJson(p)) });
  }

  private getPost(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), res)) return;
    if (!this.guard(req, res)) return;
    const post = this.byUrn.get(req.params.urn);
    if (!post) return sendJson(res, 404, { status: 404, code: 'NOT_FOUND', message: `Not Found: ${req.params.urn}` });
    sendJson(res, 200, postJson(post));
  }

  private initializeUpload(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), res)) return;
    const account = this.guard(req, res);
    if (!account) return;
    if (req.query.get('action') !== 'initializeUpload') return sendJson(res, 400, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'Unsupported action' });
    const owner = String((req.body as { initializeUploadRequest?: { owner?: unknown } } | undefined)?.initializeUploadRequest?.owner ?? '');
    if (owner !== account.urn) return sendJson(res, 403, { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: 'Not enough permissions to access: images.ACTION.initializeUpload' });
    this.seq += 1n;
    const id = `C4E10AQ${this.seq.toString().padStart(8, '0')}`;
    const image = `urn:li:image:${id}`;
    this.images.set(image, { owner, uploaded: false });
    sendJson(res, 200, { value: { uploadUrlExpiresAt: this.clock() + 3_600_000, uploadUrl: `${this.url}/dms-uploads/${id}`, image } });
  }

  private upload(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), res)) return;
    const image = this.images.get(`urn:li:image:${req.params.id}`);
    if (!image) return sendJson(res, 404, { status: 404, message: 'Not Found' });
    if (!req.rawBody.length) return sendJson(res, 400, { status: 400, message: 'Empty upload' });
    image.uploaded = true;
    res.writeHead(201, { 'content-length': 0 });
    res.end();
  }

  private networkSize(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), res)) return;
    if (!this.guard(req, res)) return;
    const urn = req.params.urn;
    if (req.query.get('edgeType') !== 'COMPANY_FOLLOWED_BY_MEMBER') {
      return sendJson(res, 400, { status: 400, code: 'ILLEGAL_ARGUMENT', message: `Invalid edgeType: ${req.query.get('edgeType')}` });
    }
    if (!urn.startsWith('urn:li:organization:') || !this.followers.has(urn)) {
      return sendJson(res, 403, { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: `Not enough permissions to access: networkSizes.GET.${version(req)}` });
    }
    sendJson(res, 200, { firstDegreeSize: this.followers.get(urn) ?? 0 });
  }
}

function version(req: EmulatorRequest): string {
  return String(req.headers['linkedin-version'] ?? '');
}

function imageIds(body: Record<string, unknown>): string[] {
  const content = body.content as { media?: { id?: unknown }; multiImage?: { images?: Array<{ id?: unknown }> } } | undefined;
  if (!content) return [];
  if (content.media?.id) return [String(content.media.id)];
  return (content.multiImage?.images ?? []).map((i) => String(i.id));
}

function inputError(message: string, description: string, code: string, fieldPath: string): Record<string, unknown> {
  return {
    errorDetailType: 'com.linkedin.common.error.BadRequest',
    message,
    errorDetails: { inputErrors: [{ description, input: { inputPath: { fieldPath } }, code }] },
    status: 422,
  };
}

function duplicateBody(urn: string): Record<string, unknown> {
  return {
    errorDetailType: 'com.linkedin.common.error.BadRequest',
    message: `com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of ${urn}`,
    errorDetails: { inputErrors: [{ description: 'Duplicate post is detected', input: {}, code: 'DUPLICATE_POST' }] },
    status: 422,
  };
}

function postJson(p: StoredPost): Record<string, unknown> {
  return {
    id: p.urn,
    author: p.author,
    commentary: p.commentary,
    visibility: p.body.visibility ?? 'PUBLIC',
    lifecycleState: 'PUBLISHED',
    createdAt: p.createdAt,
    publishedAt: p.createdAt,
    lastModifiedAt: p.createdAt,
    distribution: p.body.distribution ?? { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
    ...(p.body.content ? { content: p.body.content } : {}),
    isReshareDisabledByAuthor: false,
    lifecycleStateInfo: { isEditedByAuthor: false },
  };
}

function serverError(res: http.ServerResponse, status: number, html: boolean): void {
  const message = status === 503 ? 'Service Unavailable' : 'Internal Server Error';
  if (html) sendHtml(res, status, `<html><body><h1>${status} ${message}</h1><p>Request denied by the gateway.</p></body></html>`);
  else sendJson(res, status, { message, status });
}

const RESERVED = '\\|{}@[]()<>#*_~';

/**
 * Reads `commentary` as LinkedIn's little text (learn.microsoft.com/linkedin/marketing/
 * community-management/shares/little-text-format): `\x` is the plain character x; `@[Name](urn)`
 * a mention; `#word` a hashtag; any other reserved character ends the text there, as LinkedIn
 * silently cuts a post at an unescaped reserved character. `text` is the commentary back in the
 * form it was written (escapes removed, mentions and hashtags as typed), to compare with what was approved.
 */
export function parseLittleText(commentary: string): { text: string; mentions: string[]; hashtags: string[]; truncated: boolean } {
  let text = '';
  const mentions: string[] = [];
  const hashtags: string[] = [];
  let i = 0;
  const chars = [...commentary];
  while (i < chars.length) {
    const c = chars[i];
    if (c === '\\' && i + 1 < chars.length && RESERVED.includes(chars[i + 1])) {
      text += chars[i + 1];
      i += 2;
      continue;
    }
    if (c === '@') {
      const m = /^@\[((?:\\.|[^\]\\\n])+)\]\((urn:li:(?:organization|person):[A-Za-z0-9_-]+)\)/u.exec(chars.slice(i).join(''));
      if (m) {
        const name = m[1].replace(/\\(.)/gu, '$1');
        text += `@[${name}](${m[2]})`;
        mentions.push(m[2]);
        i += [...m[0]].length;
        continue;
      }
    }
    if (c === '#') {
      const m = /^#([\p{L}\p{N}]+)/u.exec(chars.slice(i).join(''));
      if (m) {
        text += m[0];
        hashtags.push(m[1]);
        i += [...m[0]].length;
        continue;
      }
    }
    if (RESERVED.includes(c)) return { text, mentions, hashtags, truncated: true };
    text += c;
    i += 1;
  }
  return { text, mentions, hashtags, truncated: false };
}

/** The link of an article post (content.article.source), else null. */
function articleSource(body: Record<string, unknown>): string | null {
  const source = (body.content as { article?: { source?: unknown } } | undefined)?.article?.source;
  return typeof source === 'string' ? source : null;
}

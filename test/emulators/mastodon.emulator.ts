import http from 'node:http';
import { BaseEmulator, EmulatedPost, EmulatorRequest, Fault, sendHtml, sendJson } from './emulator';

/**
 * Mastodon instance emulator (docs/networks.md, Mastodon). One emulator is one instance: its URL is the
 * channels' `instanceUrl`.
 *
 * Faults honoured (on 'publish' = POST /api/v1/statuses, 'any', or a path prefix):
 * - rate_limit {resetInSeconds=300}: 429 {"error":"Too many requests"} with X-RateLimit-Limit/Remaining
 *   and X-RateLimit-Reset as ISO 8601 with microseconds; no Retry-After.
 * - server_error {status=503, html}: 503 {"error":"There was a temporary problem serving your request, please try again"},
 *   or with html (status default 500) Rails' HTML error page.
 * - server_error_after_commit {status=500}: the status is created (and its Idempotency-Key remembered), then HTML 500.
 * - applied_after_timeout {ms}: the request is held ms (past the client's timeout), then carried out: the post appears late.
 * - connection_reset {afterCommit}: socket destroyed, optionally after creating the status.
 * - hang {ms, afterCommit?}: no answer for ms, then the socket is destroyed.
 * - expired_token / revoked_token: 401 {"error":"The access token expired"} / {"error":"The access token was revoked"}.
 * - unprocessable {message}: 422 {"error": message}.
 * - 'duplicate' is not honoured: Mastodon has no duplicate-content check.
 */
export interface MastodonEmulatorAccount {
  id: string;
  username: string;
  token: string;
  followers?: number;
  /** Statuses the account had before the test. */
  statuses?: number;
}

export interface MastodonEmulatorOptions {
  accounts: MastodonEmulatorAccount[];
  /** `max_characters` of the instance (default 500). */
  maxCharacters?: number;
  /** How many GET /api/v1/media/:id polls answer 206 before the attachment is ready (default 0: POST /api/v2/media answers 200). */
  mediaProcessingPolls?: number;
  /** Idempotency-Key memory (default 1 h, as Mastodon's Redis key). */
  idempotencyTtlMs?: number;
  /** Clock in epoch ms, replaceable so tests can move time without waiting. */
  clock?: () => number;
}

interface StoredStatus {
  id: string;
  accountId: string;
  text: string;
  createdAt: Date;
  visibility: string;
  mediaIds: string[];
}

interface StoredMedia {
  id: string;
  accountId: string;
  description: string | null;
  contentType: string;
  size: number;
  pollsLeft: number;
}

const VALIDATION = 'Validation failed: ';

export class MastodonEmulator extends BaseEmulator {
  private readonly accountsByToken = new Map<string, MastodonEmulatorAccount>();
  private readonly accountsById = new Map<string, MastodonEmulatorAccount>();
  private readonly statusesByAccount = new Map<string, StoredStatus[]>();
  private readonly statusesById = new Map<string, StoredStatus>();
  private readonly idempotency = new Map<string, { statusId: string; at: number }>();
  private readonly media = new Map<string, StoredMedia>();
  private readonly maxCharacters: number;
  private readonly mediaProcessingPolls: number;
  private readonly idempotencyTtlMs: number;
  private readonly clock: () => number;
  private seq = 0;
  private lastId = 0n;

  constructor(options: MastodonEmulatorOptions) {
    super();
    this.maxCharacters = options.maxCharacters ?? 500;
    this.mediaProcessingPolls = options.mediaProcessingPolls ?? 0;
    this.idempotencyTtlMs = options.idempotencyTtlMs ?? 3_600_000;
    this.clock = options.clock ?? Date.now;
    for (const a of options.accounts) this.addAccount(a);

    this.route('POST', '/api/v1/statuses', (req, res) => this.createStatus(req, res));
    this.route('GET', '/api/v1/accounts/verify_credentials', (req, res) => this.verifyCredentials(req, res));
    this.route('GET', '/api/v1/accounts/:id/statuses', (req, res) => this.accountStatuses(req, res));
    this.route('POST', '/api/v2/media', (req, res) => this.uploadMedia(req, res));
    this.route('GET', '/api/v1/media/:id', (req, res) => this.getMedia(req, res));
    this.route('GET', '/api/v1/statuses/:id', (req, res) => this.getStatus(req, res));
  }

  addAccount(account: MastodonEmulatorAccount): void {
    this.accountsByToken.set(account.token, account);
    this.accountsById.set(account.id, account);
    this.followers.set(account.id, account.followers ?? 0);
  }

  /** Forgets every Idempotency-Key, as if the hour had passed. */
  expireIdempotencyKeys(): void {
    this.idempotency.clear();
  }

  /** Handles pre-commit faults; returns true when the request was answered (or dropped). */
  private preFault(fault: Fault | undefined, res: http.ServerResponse): boolean {
    if (!fault) return false;
    switch (fault.kind) {
      case 'rate_limit': {
        const reset = new Date(this.clock() + (Number(fault.resetInSeconds ?? 300) * 1000));
        sendJson(res, 429, { error: 'Too many requests' }, {
          'x-ratelimit-limit': '300',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': reset.toISOString().replace(/Z$/, '000Z'),
        });
        return true;
      }
      case 'server_error':
        if (fault.html) sendHtml(res, Number(fault.status ?? 500), RAILS_500);
        else sendJson(res, Number(fault.status ?? 503), { error: 'There was a temporary problem serving your request, please try again' });
        return true;
      case 'connection_reset':
      case 'hang':
        return this.answerTransportFault(fault, res, 'before_commit');
      case 'expired_token':
        sendJson(res, 401, { error: 'The access token expired' }, wwwAuthenticate('The access token expired'));
        return true;
      case 'revoked_token':
        sendJson(res, 401, { error: 'The access token was revoked' }, wwwAuthenticate('The access token was revoked'));
        return true;
      case 'unprocessable':
        sendJson(res, 422, { error: String(fault.message ?? `${VALIDATION}Text can't be blank`) });
        return true;
      default:
        return false;
    }
  }

  /** Handles post-commit faults; returns true when the request was answered (or dropped). */
  private postFault(fault: Fault | undefined, res: http.ServerResponse): boolean {
    return this.answerAfterCommitFault(fault, res, (status) => sendHtml(res, status, RAILS_500));
  }

  private authenticate(req: EmulatorRequest, res: http.ServerResponse): MastodonEmulatorAccount | undefined {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const account = token ? this.accountsByToken.get(token) : undefined;
    if (!account) sendJson(res, 401, { error: 'The access token is invalid' }, wwwAuthenticate('The access token is invalid'));
    return account;
  }

  private async createStatus(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const fault = await this.applyLate(this.takeFault(req.path, true));
    if (this.preFault(fault, res)) return;
    const account = this.authenticate(req, res);
    if (!account) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = typeof body.status === 'string' ? body.status : '';
    const mediaIds = toStringArray(body.media_ids ?? body['media_ids[]']);

    const key = req.headers['idempotency-key'];
    const idemKey = typeof key === 'string' && key ? `${account.id}:${key}` : undefined;
    if (idemKey) {
      const seen = this.idempotency.get(idemKey);
      if (seen && this.clock() - seen.at < this.idempotencyTtlMs) {
        const existing = this.statusesById.get(seen.statusId);
        if (existing) return sendJson(res, 200, this.statusJson(existing));
      }
    }
    if (!text.trim() && mediaIds.length === 0) return sendJson(res, 422, { error: `${VALIDATION}Text can't be blank` });
    if (countCharacters(text) > this.maxCharacters) {
      return sendJson(res, 422, { error: `${VALIDATION}Text character limit of ${this.maxCharacters} exceeded` });
    }
    if (mediaIds.length > 4) return sendJson(res, 422, { error: `${VALIDATION}Media attachments too many attachments` });
    for (const id of mediaIds) {
      const m = this.media.get(id);
      if (!m || m.accountId !== account.id) return sendJson(res, 422, { error: `${VALIDATION}Media attachments is invalid` });
      if (m.pollsLeft > 0) return sendJson(res, 422, { error: 'Cannot attach files that have not finished processing. Try again in a moment!' });
    }

    const status: StoredStatus = {
      id: this.nextId(),
      accountId: account.id,
      text,
      createdAt: new Date(this.clock()),
      visibility: typeof body.visibility === 'string' ? body.visibility : 'public',
      mediaIds,
    };
    this.statusesOf(account.id).push(status);
    this.statusesById.set(status.id, status);
    if (idemKey) this.idempotency.set(idemKey, { statusId: status.id, at: this.clock() });
    const post: EmulatedPost = {
      id: status.id,
      accountId: account.id,
      text,
      createdAt: status.createdAt,
      extra: { idempotencyKey: typeof key === 'string' ? key : undefined, mediaIds, visibility: status.visibility },
    };
    this.posts.push(post);

    if (this.postFault(fault, res)) return;
    sendJson(res, 200, this.statusJson(status), rateLimitHeaders(this.clock()));
  }

  private verifyCredentials(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), res)) return;
    const account = this.authenticate(req, res);
    if (!account) return;
    sendJson(res, 200, {
      ...this.accountJson(account),
      source: { privacy: 'public', sensitive: false, language: '', note: '', fields: [], follow_requests_count: 0, attribution_domains: [], hide_collections: false, discoverable: false, indexable: true },
      role: { id: '-99', name: '', permissions: '65536', color: '', highlighted: false },
    });
  }

  /** GET /api/v1/statuses/:id: a public status to anyone signed in; Mastodon answers 404 for an unknown or unreachable one. */
  private getStatus(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), res)) return;
    const account = this.authenticate(req, res);
    if (!account) return;
    const status = this.statusesById.get(req.params.id);
    if (!status || (status.visibility === 'direct' && status.accountId !== account.id)) return sendJson(res, 404, { error: 'Record not found' });
    sendJson(res, 200, this.statusJson(status));
  }

  private accountStatuses(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), res)) return;
    if (!this.authenticate(req, res)) return;
    const account = this.accountsById.get(req.params.id);
    if (!account) return sendJson(res, 404, { error: 'Record not found' });
    const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 20) || 20, 1), 40);
    const maxId = req.query.get('max_id');
    const sinceId = req.query.get('since_id');
    const list = this.statusesOf(account.id)
      .filter((s) => !maxId || BigInt(s.id) < BigInt(maxId))
      .filter((s) => !sinceId || BigInt(s.id) > BigInt(sinceId))
      .slice(-limit)
      .reverse();
    const headers: Record<string, string> = {};
    if (list.length === limit) {
      headers.link = `<${this.url}/api/v1/accounts/${account.id}/statuses?limit=${limit}&max_id=${list[list.length - 1].id}>; rel="next"`;
    }
    sendJson(res, 200, list.map((s) => this.statusJson(s)), headers);
  }

  private uploadMedia(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), res)) return;
    const account = this.authenticate(req, res);
    if (!account) return;
    const parts = parseMultipart(req.rawBody, String(req.headers['content-type'] ?? ''));
    const file = parts.find((p) => p.name === 'file' && p.filename !== undefined);
    if (!file) return sendJson(res, 422, { error: `${VALIDATION}File can't be blank` });
    if (!/^(image|video)\//.test(file.contentType)) return sendJson(res, 422, { error: `${VALIDATION}File content type is invalid` });
    const description = parts.find((p) => p.name === 'description')?.data.toString('utf8') ?? null;
    const m: StoredMedia = {
      id: this.nextId(),
      accountId: account.id,
      description,
      contentType: file.contentType,
      size: file.data.length,
      pollsLeft: this.mediaProcessingPolls,
    };
    this.media.set(m.id, m);
    sendJson(res, m.pollsLeft > 0 ? 202 : 200, this.mediaJson(m));
  }

  private getMedia(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), res)) return;
    const account = this.authenticate(req, res);
    if (!account) return;
    const m = this.media.get(req.params.id);
    if (!m || m.accountId !== account.id) return sendJson(res, 404, { error: 'Record not found' });
    if (m.pollsLeft > 0) {
      m.pollsLeft -= 1;
      return sendJson(res, 206, this.mediaJson({ ...m, pollsLeft: 1 }));
    }
    sendJson(res, 200, this.mediaJson(m));
  }

  private statusesOf(accountId: string): StoredStatus[] {
    let list = this.statusesByAccount.get(accountId);
    if (!list) this.statusesByAccount.set(accountId, (list = []));
    return list;
  }

  private nextId(): string {
    // Snowflake-like: milliseconds in the high bits, a sequence in the low 16, so ids sort by time.
    this.seq = (this.seq + 1) & 0xffff;
    let id = BigInt(this.clock()) * 65536n + BigInt(this.seq);
    if (id <= this.lastId) id = this.lastId + 1n;
    this.lastId = id;
    return id.toString();
  }

  private accountJson(a: MastodonEmulatorAccount): Record<string, unknown> {
    const own = this.statusesOf(a.id);
    return {
      id: a.id,
      username: a.username,
      acct: a.username,
      display_name: a.username,
      locked: false,
      bot: false,
      discoverable: true,
      group: false,
      created_at: '2020-01-01T00:00:00.000Z',
      note: '',
      url: `${this.url}/@${a.username}`,
      avatar: `${this.url}/avatars/original/missing.png`,
      avatar_static: `${this.url}/avatars/original/missing.png`,
      header: `${this.url}/headers/original/missing.png`,
      header_static: `${this.url}/headers/original/missing.png`,
      followers_count: this.followers.get(a.id) ?? 0,
      following_count: 0,
      statuses_count: (a.statuses ?? 0) + own.length,
      last_status_at: own.length ? own[own.length - 1].createdAt.toISOString().slice(0, 10) : null,
      indexable: true,
      roles: [],
      emojis: [],
      fields: [],
    };
  }

  private mediaJson(m: StoredMedia): Record<string, unknown> {
    const ready = m.pollsLeft === 0;
    return {
      id: m.id,
      type: m.contentType.startsWith('video/') ? 'video' : 'image',
      url: ready ? `${this.url}/system/media_attachments/${m.id}/original` : null,
      preview_url: `${this.url}/system/media_attachments/${m.id}/small`,
      remote_url: null,
      text_url: null,
      meta: {},
      description: m.description,
      blurhash: null,
    };
  }

  private statusJson(s: StoredStatus): Record<string, unknown> {
    const account = this.accountsById.get(s.accountId)!;
    return {
      id: s.id,
      created_at: s.createdAt.toISOString(),
      in_reply_to_id: null,
      in_reply_to_account_id: null,
      sensitive: false,
      spoiler_text: '',
      visibility: s.visibility,
      language: 'en',
      uri: `${this.url}/users/${account.username}/statuses/${s.id}`,
      url: `${this.url}/@${account.username}/${s.id}`,
      replies_count: this.postInteractions.get(s.id)?.replies ?? 0,
      reblogs_count: this.postInteractions.get(s.id)?.reposts ?? 0,
      favourites_count: this.postInteractions.get(s.id)?.likes ?? 0,
      quotes_count: this.postInteractions.get(s.id)?.quotes ?? 0,
      favourited: false,
      reblogged: false,
      muted: false,
      bookmarked: false,
      content: renderContent(s.text),
      reblog: null,
      application: { name: 'Chorus', website: null },
      account: this.accountJson(account),
      media_attachments: s.mediaIds.map((id) => this.media.get(id)).filter((m): m is StoredMedia => !!m).map((m) => this.mediaJson(m)),
      mentions: [],
      tags: [],
      emojis: [],
      quote: null,
      card: null,
      poll: null,
    };
  }
}

const RAILS_500 =
  '<!DOCTYPE html>\n<html>\n<head>\n  <title>We\'re sorry, but something went wrong (500)</title>\n</head>\n<body>\n  <div class="dialog"><h1>We\'re sorry, but something went wrong.</h1></div>\n</body>\n</html>\n';

function wwwAuthenticate(description: string): Record<string, string> {
  return { 'www-authenticate': `Bearer realm="Doorkeeper", error="invalid_token", error_description="${description}"` };
}

function rateLimitHeaders(now: number): Record<string, string> {
  return {
    'x-ratelimit-limit': '300',
    'x-ratelimit-remaining': '299',
    'x-ratelimit-reset': new Date(now + 3 * 3_600_000).toISOString().replace(/Z$/, '000Z'),
  };
}

function toStringArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value) return [value];
  return [];
}

/** Mastodon counts every URL as 23 characters (characters_reserved_per_url). */
function countCharacters(text: string): number {
  const withoutUrls = text.replace(/https?:\/\/\S+/g, 'x'.repeat(23));
  return [...withoutUrls].length;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Like Mastodon's formatter: paragraphs, <br />, and links split into invisible/visible spans. */
function renderContent(text: string): string {
  const paragraphs = text.split(/\n{2,}/).map((p) =>
    p
      .split(/(https?:\/\/[^\s]+)/)
      .map((chunk, i) => {
        if (i % 2 === 0) return escapeHtml(chunk).replace(/\n/g, '<br />');
        const m = /^(https?:\/\/)(.*)$/.exec(chunk)!;
        const shown = m[2].slice(0, 30);
        const hidden = m[2].slice(30);
        return `<a href="${escapeHtml(chunk)}" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">${escapeHtml(m[1])}</span><span class="${hidden ? 'ellipsis' : ''}">${escapeHtml(shown)}</span><span class="invisible">${escapeHtml(hidden)}</span></a>`;
      })
      .join(''),
  );
  return paragraphs.map((p) => `<p>${p}</p>`).join('');
}

interface MultipartPart {
  name: string;
  filename?: string;
  contentType: string;
  data: Buffer;
}

function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary || !Buffer.isBuffer(body)) return [];
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const chunk = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after delimiter and before next
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = chunk.subarray(0, headerEnd).toString('utf8');
      const name = /name="([^"]*)"/.exec(headers)?.[1] ?? '';
      const filename = /filename="([^"]*)"/.exec(headers)?.[1];
      const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? 'text/plain';
      parts.push({ name, filename, contentType: type.trim(), data: chunk.subarray(headerEnd + 4) });
    }
    start = next;
  }
  return parts;
}

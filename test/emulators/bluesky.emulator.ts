import { lexicons } from '@atproto/api';
import { jsonToLex } from '@atproto/lexicon';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { BaseEmulator, EmulatorRequest, Fault, sendHtml, sendJson } from './emulator';

/**
 * Bluesky PDS emulator (docs/networks.md, Bluesky): XRPC under /xrpc, errors as {"error","message"}.
 *
 * Faults honoured (on 'publish' = com.atproto.repo.createRecord, 'any', or a path prefix such as
 * '/xrpc/com.atproto.server.refreshSession'):
 * - rate_limit {resetInSeconds=1800}: 429 {"error":"RateLimitExceeded","message":"Rate Limit Exceeded"} with
 *   ratelimit-limit/remaining/reset (epoch seconds)/policy and retry-after (seconds).
 * - server_error {status=500, html}: 500 InternalServerError / 502 UpstreamFailure / 503 NotEnoughResources /
 *   504 UpstreamTimeout, or an HTML proxy page with html.
 * - server_error_after_commit {status=500}: the record is written, then 500 InternalServerError.
 * - applied_after_timeout {ms}: the request is held ms (past the client's timeout), then carried out: the post appears late.
 * - connection_reset {afterCommit}: socket destroyed, optionally after writing the record.
 * - hang {ms, afterCommit?}: no answer for ms, then the socket is destroyed.
 * - expired_token: 400 {"error":"ExpiredToken","message":"Token has expired"}.
 * - revoked_token: on refreshSession 400 {"error":"ExpiredToken","message":"Token has been revoked"}; on createSession
 *   401 AuthenticationRequired; elsewhere 400 {"error":"InvalidToken","message":"Token could not be verified"}.
 * - 'duplicate' is not honoured (Bluesky has no duplicate check); reusing an rkey is real state: 500 InternalServerError.
 * State helpers: expireAccessTokens(), revokeRefreshTokens(), setPassword(), addAccount().
 *
 * Identity (docs/networks.md, Bluesky): the emulator is also the handle resolver
 * (com.atproto.identity.resolveHandle), the PLC directory (GET /did:plc:…) and the did:web host
 * of its own address (GET /.well-known/did.json). An account's DID document names its PDS:
 * this emulator unless `pdsUrl` says another one, and a PDS only signs in the accounts it hosts.
 * Records of app.bsky.feed.post are validated against the official lexicon (@atproto/api's
 * lexicon documents), and every blob they reference must have been uploaded.
 */
export interface BlueskyEmulatorAccount {
  did: string;
  handle: string;
  /** App password accepted by createSession. */
  password: string;
  followers?: number;
  /** Posts the account had before the test. */
  posts?: number;
  /** The PDS that hosts the account, when it is not this emulator (its DID document then names that one). */
  pdsUrl?: string;
}

/** A syntactically valid did:plc (24 base32 characters) derived from a name, for test accounts. */
export function plcDid(name: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const hash = createHash('sha256').update(name).digest();
  let out = '';
  for (let i = 0; i < 24; i++) out += alphabet[hash[i] & 31];
  return `did:plc:${out}`;
}

export interface BlueskyEmulatorOptions {
  accounts: BlueskyEmulatorAccount[];
  /** Other handles resolveHandle knows (handle → DID), e.g. partners mentioned in posts. */
  handles?: Record<string, string>;
  clock?: () => number;
}

interface StoredRecord {
  uri: string;
  cid: string;
  rkey: string;
  did: string;
  value: Record<string, unknown>;
}

const POST = 'app.bsky.feed.post';
const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
const RECORD_KEY = /^[A-Za-z0-9._:~-]{1,512}$/;
const SERVER_ERRORS: Record<number, [string, string]> = {
  500: ['InternalServerError', 'Internal Server Error'],
  502: ['UpstreamFailure', 'Upstream Failure'],
  503: ['NotEnoughResources', 'Not Enough Resources'],
  504: ['UpstreamTimeout', 'Upstream Timeout'],
};

export class BlueskyEmulator extends BaseEmulator {
  private readonly accounts = new Map<string, BlueskyEmulatorAccount>();
  private readonly handles = new Map<string, string>();
  private readonly accessTokens = new Map<string, { did: string; expired: boolean }>();
  private readonly refreshTokens = new Map<string, { did: string; revoked: boolean }>();
  private readonly records = new Map<string, StoredRecord>();
  private readonly blobs = new Map<string, { mimeType: string; size: number }>();
  private readonly postCounts = new Map<string, number>();
  private readonly clock: () => number;
  private seq = 0;

  constructor(options: BlueskyEmulatorOptions) {
    super();
    this.clock = options.clock ?? Date.now;
    for (const a of options.accounts) this.addAccount(a);
    for (const [handle, did] of Object.entries(options.handles ?? {})) this.handles.set(handle.toLowerCase(), did);

    this.route('POST', '/xrpc/com.atproto.server.createSession', (req, res) => this.createSession(req, res));
    this.route('POST', '/xrpc/com.atproto.server.refreshSession', (req, res) => this.refreshSession(req, res));
    this.route('GET', '/xrpc/com.atproto.identity.resolveHandle', (req, res) => this.resolveHandle(req, res));
    this.route('POST', '/xrpc/com.atproto.repo.createRecord', (req, res) => this.createRecord(req, res));
    this.route('GET', '/xrpc/com.atproto.repo.getRecord', (req, res) => this.getRecord(req, res));
    this.route('GET', '/xrpc/com.atproto.repo.listRecords', (req, res) => this.listRecords(req, res));
    this.route('POST', '/xrpc/com.atproto.repo.uploadBlob', (req, res) => this.uploadBlob(req, res));
    this.route('GET', '/xrpc/app.bsky.actor.getProfile', (req, res) => this.getProfile(req, res));
    this.route('GET', '/xrpc/app.bsky.feed.getPosts', (req, res) => this.getPosts(req, res));
    this.route('GET', '/.well-known/did.json', (req, res) => this.didWebDocument(req, res));
    this.route('GET', '/:did', (req, res) => this.plcDocument(req, res));
  }

  addAccount(a: BlueskyEmulatorAccount): void {
    this.accounts.set(a.did, { ...a });
    this.handles.set(a.handle.toLowerCase(), a.did);
    this.followers.set(a.did, a.followers ?? 0);
  }

  /** The did:web this emulator's address stands for (did:web:127.0.0.1%3A<port>), once started. */
  get didWeb(): string {
    return `did:web:${encodeURIComponent(new URL(this.url).host)}`;
  }

  private didDocument(account: BlueskyEmulatorAccount): Record<string, unknown> {
    return {
      '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
      id: account.did,
      alsoKnownAs: [`at://${account.handle}`],
      verificationMethod: [],
      service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: account.pdsUrl ?? this.url }],
    };
  }

  /** The PLC directory: GET /did:plc:… answers the DID document, 404 for an unknown DID. */
  private plcDocument(req: EmulatorRequest, res: http.ServerResponse): void {
    const did = req.params.did;
    if (!/^did:plc:[a-z2-7]{24}$/.test(did)) return sendJson(res, 404, { message: `DID not registered: ${did}` });
    const account = this.accounts.get(did);
    if (!account) return sendJson(res, 404, { message: `DID not registered: ${did}` });
    sendJson(res, 200, this.didDocument(account));
  }

  private didWebDocument(_req: EmulatorRequest, res: http.ServerResponse): void {
    const account = this.accounts.get(this.didWeb);
    if (!account) return sendJson(res, 404, { error: 'NotFound' });
    sendJson(res, 200, this.didDocument(account));
  }

  /** Whether this emulator is the PDS of the account (a PDS signs in and stores only the accounts it hosts). */
  private hosts(account: BlueskyEmulatorAccount): boolean {
    return !account.pdsUrl || account.pdsUrl === this.url;
  }

  /** Every access token issued so far now answers ExpiredToken (as after 2 hours). */
  expireAccessTokens(did?: string): void {
    for (const t of this.accessTokens.values()) if (!did || t.did === did) t.expired = true;
  }

  /** Every refresh token issued so far is revoked (refreshSession answers "Token has been revoked"). */
  revokeRefreshTokens(did?: string): void {
    for (const t of this.refreshTokens.values()) if (!did || t.did === did) t.revoked = true;
  }

  setPassword(did: string, password: string): void {
    const a = this.accounts.get(did);
    if (a) a.password = password;
  }

  private preFault(fault: Fault | undefined, path: string, res: http.ServerResponse): boolean {
    if (!fault) return false;
    switch (fault.kind) {
      case 'rate_limit': {
        const seconds = Number(fault.resetInSeconds ?? 1800);
        sendJson(res, 429, { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }, {
          'ratelimit-limit': '5000',
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(Math.ceil(this.clock() / 1000) + seconds),
          'ratelimit-policy': '5000;w=3600',
          'retry-after': String(seconds),
        });
        return true;
      }
      case 'server_error': {
        const status = Number(fault.status ?? 500);
        if (fault.html) sendHtml(res, status, `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`);
        else serverError(res, status);
        return true;
      }
      case 'connection_reset':
      case 'hang':
        return this.answerTransportFault(fault, res, 'before_commit');
      case 'expired_token':
        sendJson(res, 400, { error: 'ExpiredToken', message: 'Token has expired' });
        return true;
      case 'revoked_token':
        if (path.endsWith('createSession')) sendJson(res, 401, { error: 'AuthenticationRequired', message: 'Invalid identifier or password' });
        else if (path.endsWith('refreshSession')) sendJson(res, 400, { error: 'ExpiredToken', message: 'Token has been revoked' });
        else sendJson(res, 400, { error: 'InvalidToken', message: 'Token could not be verified' });
        return true;
      default:
        return false;
    }
  }

  private postFault(fault: Fault | undefined, res: http.ServerResponse): boolean {
    return this.answerAfterCommitFault(fault, res, (status) => serverError(res, status));
  }

  /** The DID of a valid access token, or answers the auth error. */
  private authenticate(req: EmulatorRequest, res: http.ServerResponse): string | undefined {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!token) {
      sendJson(res, 401, { error: 'AuthMissing', message: 'Authentication Required' });
      return undefined;
    }
    const session = this.accessTokens.get(token);
    if (!session) {
      sendJson(res, 400, { error: 'InvalidToken', message: 'Token could not be verified' });
      return undefined;
    }
    if (session.expired) {
      sendJson(res, 400, { error: 'ExpiredToken', message: 'Token has expired' });
      return undefined;
    }
    return session.did;
  }

  private issueSession(account: BlueskyEmulatorAccount): Record<string, unknown> {
    this.seq += 1;
    const accessJwt = `emu-access.${this.seq}.${randomish(account.did, this.seq)}`;
    const refreshJwt = `emu-refresh.${this.seq}.${randomish(account.handle, this.seq)}`;
    this.accessTokens.set(accessJwt, { did: account.did, expired: false });
    this.refreshTokens.set(refreshJwt, { did: account.did, revoked: false });
    return { did: account.did, handle: account.handle, email: `${account.handle}@example.com`, emailConfirmed: true, emailAuthFactor: false, accessJwt, refreshJwt, active: true, didDoc: {} };
  }

  private createSession(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), req.path, res)) return;
    const body = (req.body ?? {}) as { identifier?: unknown; password?: unknown };
    const id = String(body.identifier ?? '').toLowerCase();
    const account = this.accounts.get(id) ?? this.accounts.get(this.handles.get(id) ?? '');
    if (!account || !this.hosts(account) || body.password !== account.password) {
      return sendJson(res, 401, { error: 'AuthenticationRequired', message: 'Invalid identifier or password' });
    }
    sendJson(res, 200, this.issueSession(account));
  }

  private refreshSession(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), req.path, res)) return;
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!token) return sendJson(res, 401, { error: 'AuthMissing', message: 'Authentication Required' });
    const session = this.refreshTokens.get(token);
    if (!session) return sendJson(res, 400, { error: 'InvalidToken', message: 'Token could not be verified' });
    if (session.revoked) return sendJson(res, 400, { error: 'ExpiredToken', message: 'Token has been revoked' });
    session.revoked = true; // refresh tokens rotate
    sendJson(res, 200, this.issueSession(this.accounts.get(session.did)!));
  }

  private resolveHandle(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), req.path, res)) return;
    const did = this.handles.get(String(req.query.get('handle') ?? '').toLowerCase());
    if (!did) return sendJson(res, 400, { error: 'InvalidRequest', message: 'Unable to resolve handle' });
    sendJson(res, 200, { did });
  }

  private async createRecord(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const fault = await this.applyLate(this.takeFault(req.path, true));
    if (this.preFault(fault, req.path, res)) return;
    const did = this.authenticate(req, res);
    if (!did) return;
    const body = (req.body ?? {}) as { repo?: unknown; collection?: unknown; rkey?: unknown; record?: Record<string, unknown> };
    if (body.repo !== did && this.handles.get(String(body.repo).toLowerCase()) !== did) {
      return sendJson(res, 400, { error: 'InvalidRequest', message: 'Input/repo must be the DID of the authenticated account' });
    }
    const collection = String(body.collection ?? '');
    const record = body.record;
    if (!record || typeof record !== 'object') return sendJson(res, 400, { error: 'InvalidRequest', message: 'Input must have the property "record"' });
    const rkey = body.rkey === undefined ? this.nextTid() : String(body.rkey);
    if (!RECORD_KEY.test(rkey) || rkey === '.' || rkey === '..' || (collection === POST && !TID.test(rkey))) {
      return sendJson(res, 400, { error: 'InvalidRequest', message: `Invalid record key: ${rkey}` });
    }
    if (collection === POST) {
      const problem = validatePost(record, (ref) => this.blobs.has(ref));
      if (problem) return sendJson(res, 400, { error: 'InvalidRequest', message: `Invalid app.bsky.feed.post record: ${problem}` });
    }
    const uri = `at://${did}/${collection}/${rkey}`;
    // The repo MST refuses a second value at the same key; the PDS maps it to a bare 500.
    if (this.records.has(uri)) return serverError(res, 500);
    const stored: StoredRecord = { uri, cid: cidOf(JSON.stringify(record)), rkey, did, value: record };
    this.records.set(uri, stored);
    if (collection === POST) {
      this.postCounts.set(did, (this.postCounts.get(did) ?? 0) + 1);
      this.posts.push({
        id: uri,
        accountId: did,
        text: String(record.text ?? ''),
        link: externalUri(record.embed),
        createdAt: new Date(this.clock()),
        extra: { rkey, facets: record.facets, embed: record.embed, langs: record.langs, record },
      });
    }
    if (this.postFault(fault, res)) return;
    sendJson(res, 200, { uri, cid: stored.cid, commit: { cid: cidOf(`${uri}:commit`), rev: this.nextTid() }, validationStatus: 'valid' });
  }

  private getRecord(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), req.path, res)) return;
    const repo = String(req.query.get('repo') ?? '');
    const did = repo.startsWith('did:') ? repo : this.handles.get(repo.toLowerCase()) ?? repo;
    const uri = `at://${did}/${req.query.get('collection') ?? ''}/${req.query.get('rkey') ?? ''}`;
    const found = this.records.get(uri);
    if (!found) return sendJson(res, 400, { error: 'RecordNotFound', message: `Could not locate record: ${uri}` });
    sendJson(res, 200, { uri: found.uri, cid: found.cid, value: found.value });
  }

  private listRecords(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), req.path, res)) return;
    const repo = String(req.query.get('repo') ?? '');
    const did = repo.startsWith('did:') ? repo : this.handles.get(repo.toLowerCase()) ?? repo;
    const collection = req.query.get('collection') ?? '';
    const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 50) || 50, 1), 100);
    const cursor = req.query.get('cursor');
    const all = [...this.records.values()]
      .filter((r) => r.did === did && r.uri.startsWith(`at://${did}/${collection}/`))
      .sort((a, b) => (a.rkey < b.rkey ? 1 : -1))
      .filter((r) => !cursor || r.rkey < cursor);
    const page = all.slice(0, limit);
    sendJson(res, 200, {
      records: page.map((r) => ({ uri: r.uri, cid: r.cid, value: r.value })),
      ...(all.length > limit ? { cursor: page[page.length - 1].rkey } : {}),
    });
  }

  private uploadBlob(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), req.path, res)) return;
    if (!this.authenticate(req, res)) return;
    const data = Buffer.isBuffer(req.body) ? req.body : req.rawBody;
    if (data.length > 5_000_000) return sendJson(res, 400, { error: 'BlobTooLarge', message: 'This file is too large. It is 5 MB at most.' });
    const mimeType = String(req.headers['content-type'] ?? '*/*');
    const link = cidV1(0x55, data);
    this.blobs.set(link, { mimeType, size: data.length });
    sendJson(res, 200, { blob: { $type: 'blob', ref: { $link: link }, mimeType, size: data.length } });
  }

  /**
   * app.bsky.feed.getPosts: post views for up to 25 at:// URIs (more is InvalidRequest); a URI
   * that is gone is left out of the answer, not an error.
   */
  private getPosts(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), req.path, res)) return;
    if (!this.authenticate(req, res)) return;
    const uris = req.query.getAll('uris');
    if (uris.length === 0) return sendJson(res, 400, { error: 'InvalidRequest', message: 'Error: Params must have the property "uris"' });
    if (uris.length > 25) return sendJson(res, 400, { error: 'InvalidRequest', message: 'Error: uris must not have more than 25 elements' });
    if (uris.some((u) => !u.startsWith('at://'))) return sendJson(res, 400, { error: 'InvalidRequest', message: 'Error: uris/0 must be a valid at-uri' });
    const posts = uris.map((u) => this.records.get(u)).filter((r): r is StoredRecord => !!r && r.uri.includes(`/${POST}/`)).map((r) => {
      const counts = this.postInteractions.get(r.uri) ?? {};
      const account = this.accounts.get(r.did);
      return {
        uri: r.uri,
        cid: r.cid,
        author: { did: r.did, handle: account?.handle ?? r.did, labels: [] },
        record: r.value,
        replyCount: counts.replies ?? 0,
        repostCount: counts.reposts ?? 0,
        likeCount: counts.likes ?? 0,
        quoteCount: counts.quotes ?? 0,
        indexedAt: String(r.value.createdAt ?? new Date().toISOString()),
        labels: [],
      };
    });
    sendJson(res, 200, { posts });
  }

  private getProfile(req: EmulatorRequest, res: http.ServerResponse): void {
    if (this.preFault(this.takeFault(req.path, false), req.path, res)) return;
    if (!this.authenticate(req, res)) return;
    const actor = String(req.query.get('actor') ?? '');
    const did = actor.startsWith('did:') ? actor : this.handles.get(actor.toLowerCase());
    const account = did ? this.accounts.get(did) : undefined;
    if (!account) return sendJson(res, 400, { error: 'InvalidRequest', message: 'Profile not found' });
    const own = this.postCounts.get(account.did) ?? 0;
    sendJson(res, 200, {
      did: account.did,
      handle: account.handle,
      displayName: account.handle,
      description: '',
      followersCount: this.followers.get(account.did) ?? 0,
      followsCount: 0,
      postsCount: (account.posts ?? 0) + own,
      associated: { lists: 0, feedgens: 0, starterPacks: 0, labeler: false },
      indexedAt: '2024-01-01T00:00:00.000Z',
      createdAt: '2024-01-01T00:00:00.000Z',
      labels: [],
    });
  }

  private nextTid(): string {
    this.seq += 1;
    const micros = BigInt(this.clock()) * 1000n + BigInt(this.seq % 1000);
    return encodeTid((micros << 10n) | BigInt(this.seq & 0x3ff));
  }
}

const B32 = '234567abcdefghijklmnopqrstuvwxyz';
function encodeTid(value: bigint): string {
  let out = '';
  let v = value;
  for (let i = 0; i < 13; i++) {
    out = B32[Number(v & 31n)] + out;
    v >>= 5n;
  }
  return out;
}

/**
 * The record against the official app.bsky.feed.post lexicon (text ≤ 300 graphemes and 3000
 * bytes, facets, langs as BCP 47 tags, embeds and their limits), then what the lexicon cannot
 * say: facet ranges inside the text, and blobs that were uploaded.
 */
function validatePost(record: Record<string, unknown>, hasBlob: (ref: string) => boolean): string | undefined {
  try {
    lexicons.assertValidRecord(POST, jsonToLex(record));
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const text = String(record.text);
  const bytes = Buffer.byteLength(text);
  const facets = (record.facets ?? []) as Array<{ index: { byteStart: number; byteEnd: number } }>;
  for (const [i, f] of facets.entries()) {
    if (f.index.byteStart >= f.index.byteEnd || f.index.byteEnd > bytes) return `Record/facets/${i}/index is outside the text`;
  }
  for (const ref of blobLinks(record.embed)) {
    if (!hasBlob(ref)) return `Record/embed could not find blob ${ref}`;
  }
  return undefined;
}

/** Every blob link an embed references (images, an external card's thumb). */
function blobLinks(value: unknown): string[] {
  if (!value || typeof value !== 'object') return [];
  const v = value as { $type?: unknown; ref?: { $link?: unknown } };
  if (v.$type === 'blob' && typeof v.ref?.$link === 'string') return [v.ref.$link];
  return Object.values(value).flatMap(blobLinks);
}

function serverError(res: http.ServerResponse, status: number): void {
  const [error, message] = SERVER_ERRORS[status] ?? SERVER_ERRORS[500];
  sendJson(res, status, { error, message });
}

function cidOf(text: string): string {
  return cidV1(0x71, Buffer.from(text));
}

/** A real CIDv1 (sha-256, base32): `codec` 0x55 raw for blobs, 0x71 dag-cbor for records. Lexicon checks parse them. */
function cidV1(codec: number, data: Buffer): string {
  const bytes = Buffer.concat([Buffer.from([0x01, codec, 0x12, 0x20]), createHash('sha256').update(data).digest()]);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = 'b';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

function randomish(seed: string, n: number): string {
  return createHash('sha256').update(`${seed}:${n}:${Math.random()}`).digest('base64url').slice(0, 24);
}

/** The card's address of an app.bsky.embed.external (alone or beside media), else null. */
function externalUri(embed: unknown): string | null {
  const e = embed as { $type?: string; external?: { uri?: unknown }; media?: unknown } | undefined;
  if (!e) return null;
  if (e.$type === 'app.bsky.embed.external' && typeof e.external?.uri === 'string') return e.external.uri;
  return null;
}

import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * Shared plumbing for the local network emulators. Each network's emulator (x.emulator.ts,
 * mastodon.emulator.ts, …) speaks that network's real wire format (see docs/networks.md) on
 * its own loopback port, keeps the posts it accepted, and
 * lets a test inject faults that the next matching requests will get.
 */

/** A fault the next matching request(s) receive. Each emulator documents which kinds it honours. */
export type Fault =
  | { kind: 'rate_limit'; resetInSeconds?: number }
  | { kind: 'server_error'; status?: number; html?: boolean }
  /** The post is stored, then the server answers 5xx: the "committed but failed" case ("applied, then 5xx"). */
  | { kind: 'server_error_after_commit'; status?: number }
  /**
   * The request is held `ms` (longer than the client waits: it times out and leaves), then carried
   * out as if nothing had happened: the post appears only after the client gave up.
   */
  | { kind: 'applied_after_timeout'; ms: number }
  /** The socket is destroyed without an answer; `afterCommit` stores the post first. */
  | { kind: 'connection_reset'; afterCommit?: boolean }
  /** No answer for this many ms (the client should time out). */
  | { kind: 'hang'; ms: number }
  | { kind: 'expired_token' }
  | { kind: 'revoked_token' }
  | { kind: 'duplicate' }
  /** Network-specific faults, e.g. Instagram { kind: 'container_error' }. */
  | { kind: string; [key: string]: unknown };

export interface FaultRule {
  fault: Fault;
  /**
   * Which requests it applies to: 'publish' (the create-post call), 'any', a path prefix, or an
   * operation name an emulator documents (e.g. Instagram 'container', X 'media').
   */
  on: 'publish' | 'any' | string;
  /** How many requests get it (default 1). */
  times: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  at: Date;
}

export interface EmulatedPost {
  id: string;
  accountId: string;
  /**
   * The text field exactly as received (X `text`, Graph `message`/`caption`, Mastodon `status`,
   * Bluesky `record.text`; LinkedIn's `commentary` with its little-text escapes removed), so a
   * test can compare it byte for byte with the approved text.
   */
  text: string;
  /** The link received apart from the text, where the network has such a field (Facebook `link`, Bluesky external embed `uri`, LinkedIn article `source`); undefined otherwise. */
  link?: string | null;
  createdAt: Date;
  /** Network-specific extras (idempotency key, rkey, media ids…). */
  extra?: Record<string, unknown>;
}

/** What a network counts on one post; each emulator answers the ones its network gives. */
export interface PostCounts {
  views?: number;
  likes?: number;
  reposts?: number;
  replies?: number;
  quotes?: number;
  bookmarks?: number;
}

export type RouteHandler = (req: EmulatorRequest, res: http.ServerResponse) => void | Promise<void>;

export interface EmulatorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The query string as sent, before decoding (some networks refuse characters left unencoded). */
  rawQuery: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  rawBody: Buffer;
  params: Record<string, string>;
}

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: RouteHandler;
}

export abstract class BaseEmulator {
  readonly requests: RecordedRequest[] = [];
  readonly posts: EmulatedPost[] = [];
  /** Follower counts by account id; tests set and move them. */
  readonly followers = new Map<string, number>();
  /** Interaction counts of a post by its network id (issue 21's per-post figures); tests set and move them. Unset: a new post's zeros. */
  readonly postInteractions = new Map<string, PostCounts>();
  /**
   * How many requests `requests` keeps (oldest dropped first); 0 records none. Unbounded by
   * default; benchmarks should set a cap so memory stays flat.
   */
  maxRecordedRequests = Number.POSITIVE_INFINITY;
  private readonly faults: FaultRule[] = [];
  private readonly routes: Route[] = [];
  private server?: http.Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  url = '';

  /** Register a route: `:name` segments become params. */
  protected route(method: string, path: string, handler: RouteHandler): void {
    const keys: string[] = [];
    const pattern = new RegExp(
      '^' + path.replace(/[.]/g, '\\.').replace(/:([A-Za-z_]+)/g, (_m, k: string) => (keys.push(k), '([^/]+)')) + '$',
    );
    this.routes.push({ method, pattern, keys, handler });
  }

  inject(fault: Fault, on: FaultRule['on'] = 'publish', times = 1): void {
    this.faults.push({ fault, on, times });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Takes the next fault that applies to this request, if any. `isPublish` is decided by the emulator. */
  protected takeFault(path: string, isPublish: boolean): Fault | undefined {
    return this.takeFaultFor({ path, isPublish });
  }

  /**
   * Like takeFault, and a rule whose `on` equals `operation` also matches; when `accepts` is
   * given, only faults this endpoint can honour are taken (the others wait for their endpoint).
   */
  protected takeFaultFor(request: {
    path: string;
    isPublish: boolean;
    operation?: string;
    accepts?: (fault: Fault) => boolean;
  }): Fault | undefined {
    if (this.faults.length === 0) return undefined;
    const { path, isPublish, operation, accepts } = request;
    const i = this.faults.findIndex(
      (r) =>
        (r.on === 'any' ||
          (r.on === 'publish' && isPublish) ||
          (operation !== undefined && r.on === operation) ||
          (r.on !== 'publish' && r.on !== operation && path.startsWith(r.on))) &&
        (!accepts || accepts(r.fault)),
    );
    if (i < 0) return undefined;
    const rule = this.faults[i];
    rule.times -= 1;
    if (rule.times <= 0) this.faults.splice(i, 1);
    return rule.fault;
  }

  /**
   * connection_reset and hang answer nothing, so they look the same on every network. Emulators
   * that check faults twice, before the work and after it, call this in both passes: the fault's
   * `afterCommit` says which pass takes it (after = the post is stored, then the answer is lost).
   * Returns true when it took the request.
   */
  protected answerTransportFault(fault: Fault | undefined, res: http.ServerResponse, pass: 'before_commit' | 'after_commit'): boolean {
    if (!fault || (fault.kind !== 'connection_reset' && fault.kind !== 'hang')) return false;
    const afterCommit = Boolean((fault as { afterCommit?: unknown }).afterCommit);
    if (afterCommit !== (pass === 'after_commit')) return false;
    if (fault.kind === 'connection_reset') resetConnection(res);
    // Not awaited: the handler returns and the socket is dropped when the time is up.
    else void hangThenReset(res, Number((fault as { ms?: unknown }).ms));
    return true;
  }

  /**
   * The second pass, once the post is stored: server_error_after_commit (the "committed but
   * failed" case, answered in the network's own 5xx shape by `sendServerError`, default status
   * 500) and the transport faults marked afterCommit. Returns true when it took the request.
   */
  protected answerAfterCommitFault(fault: Fault | undefined, res: http.ServerResponse, sendServerError: (status: number) => void): boolean {
    if (fault?.kind === 'server_error_after_commit') {
      sendServerError(Number(fault.status ?? 500));
      return true;
    }
    return this.answerTransportFault(fault, res, 'after_commit');
  }

  /**
   * applied_after_timeout, for the create call of every emulator: waits the fault's `ms`, then
   * returns no fault so the handler does its work as usual (its answer goes to a client that has
   * left). Any other fault is returned untouched.
   */
  protected async applyLate(fault: Fault | undefined): Promise<Fault | undefined> {
    if (fault?.kind !== 'applied_after_timeout') return fault;
    const ms = Number((fault as { ms?: unknown }).ms ?? 0);
    await new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
    return undefined;
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.dispatch(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://emulator');
    let body: unknown = undefined;
    const type = String(req.headers['content-type'] ?? '');
    if (rawBody.length && type.includes('json')) {
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        body = rawBody.toString('utf8');
      }
    } else if (rawBody.length && type.includes('x-www-form-urlencoded')) {
      body = Object.fromEntries(new URLSearchParams(rawBody.toString('utf8')));
    } else if (rawBody.length) {
      body = rawBody;
    }
    if (this.maxRecordedRequests > 0) {
      this.requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body, at: new Date() });
      if (this.requests.length > this.maxRecordedRequests) this.requests.splice(0, this.requests.length - this.maxRecordedRequests);
    }
    for (const r of this.routes) {
      const m = r.method === req.method ? r.pattern.exec(url.pathname) : null;
      if (!m) continue;
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
      try {
        await r.handler({ method: r.method, path: url.pathname, query: url.searchParams, rawQuery: url.search.replace(/^\?/, ''), headers: req.headers, body, rawBody, params }, res);
      } catch (err) {
        if (!res.headersSent) sendJson(res, 500, { error: String(err) });
      }
      return;
    }
    sendJson(res, 404, { error: `emulator: no route for ${req.method} ${url.pathname}` });
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

/** Drops the connection without an answer (the client sees ECONNRESET / "socket hang up"). */
export function resetConnection(res: http.ServerResponse): void {
  res.socket?.destroy();
}

/** Answers nothing for `ms`, then drops the connection (a client with a shorter timeout gives up first). */
export function hangThenReset(res: http.ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resetConnection(res);
      resolve();
    }, ms);
    timer.unref();
    res.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

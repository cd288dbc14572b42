import http from 'node:http';
import { EmulatorRequest, Fault, hangThenReset, resetConnection, sendHtml, sendJson } from './emulator';

/**
 * Pieces shared by the Facebook Pages and Instagram emulators: Graph error bodies
 * (docs/networks.md, Facebook and Instagram), token extraction, version prefixes, and the generic
 * faults both honour.
 */

export interface GraphError {
  message: string;
  type?: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
}

let trace = 0;
function fbtraceId(): string {
  trace += 1;
  return `A${trace.toString(36).padStart(6, '0')}Emu`;
}

export function sendGraphError(res: http.ServerResponse, status: number, error: GraphError, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { type: 'OAuthException', ...error, fbtrace_id: fbtraceId() } }, headers);
}

export const GRAPH_ERRORS = {
  expired: {
    message:
      'Error validating access token: Session has expired on Monday, 23-Nov-15 14:00:00 PST. The current time is Monday, 23-Nov-15 14:00:03 PST.',
    code: 190,
    error_subcode: 463,
  },
  revoked: {
    // [INFERRED] message text; code and subcode from the error-handling table.
    message:
      'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
    code: 190,
    error_subcode: 460,
  },
  invalidToken: { message: 'Invalid OAuth access token - Cannot parse access token', code: 190 },
  permission: { message: '(#200) Permissions error', code: 200 },
  serverError: { message: 'An unexpected error has occurred. Please retry your request later.', is_transient: true, code: 2 },
  unknownError: { message: 'An unknown error has occurred.', is_transient: true, code: 1 },
  throttle: {
    4: { message: '(#4) Application request limit reached', is_transient: true, code: 4 },
    17: { message: '(#17) User request limit reached', is_transient: true, code: 17 },
    32: { message: '(#32) Page request limit reached', code: 32 },
    613: { message: '(#613) Calls to this api have exceeded the rate limit.', code: 613 },
    80001: {
      message:
        'There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
      is_transient: true,
      code: 80001,
    },
    80002: {
      message:
        'There have been too many calls to this Instagram account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
      is_transient: true,
      code: 80002,
    },
  } as Record<number, GraphError>,
} satisfies Record<string, unknown>;

export const HTML_5XX =
  '<!DOCTYPE html><html><head><title>Facebook | Error</title></head><body><h1>Sorry, something went wrong.</h1><p>We\'re working on getting this fixed as soon as we can.</p></body></html>';

/** `/v20.0/123/feed` → `/123/feed` (faults match paths without the version, whatever version the client uses). */
export function stripVersion(path: string): string {
  return path.replace(/^\/v\d+\.\d+(?=\/)/, '');
}

export function isVersion(segment: string): boolean {
  return /^v\d+\.\d+$/.test(segment);
}

/** Form, JSON and query parameters merged (Graph accepts each). Body wins over query. */
export function graphParams(req: EmulatorRequest): Record<string, string> {
  const out: Record<string, string> = Object.fromEntries(req.query);
  if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) {
    for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) {
      if (v !== undefined && v !== null) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  }
  return out;
}

export function graphToken(req: EmulatorRequest, params: Record<string, string>): string | undefined {
  const auth = String(req.headers.authorization ?? '');
  if (auth.startsWith('Bearer ')) return auth.slice(7);
  return params.access_token;
}

/**
 * Graph versions and the day each stops being usable (developers.facebook.com/docs/graph-api/
 * changelog/versions); null: not announced yet. Versions older than the first row are long gone.
 */
export const GRAPH_VERSIONS: ReadonlyArray<readonly [version: string, usableUntil: string | null]> = [
  ['v20.0', '2026-09-24'],
  ['v21.0', '2027-01-21'],
  ['v22.0', '2027-05-20'],
  ['v23.0', '2027-10-08'],
  ['v24.0', '2028-02-18'],
  ['v25.0', '2028-07-29'],
  ['v26.0', null],
];

function versionNumber(version: string): number {
  const [major, minor] = version.slice(1).split('.').map(Number);
  return major * 100 + minor;
}

/**
 * The version Graph runs a call made to `requested` on, at `now`: the same while it is usable;
 * once expired, "calls made to it will be defaulted to the next oldest usable version"
 * (developers.facebook.com/docs/graph-api/guides/versioning). Null for a version that does not exist yet.
 */
export function servedGraphVersion(requested: string, now: number): string | null {
  const usable = GRAPH_VERSIONS.filter(([, until]) => until === null || Date.parse(`${until}T00:00:00Z`) > now).map(([v]) => v);
  const newest = GRAPH_VERSIONS[GRAPH_VERSIONS.length - 1][0];
  if (versionNumber(requested) > versionNumber(newest)) return null;
  if (usable.includes(requested)) return requested;
  const oldestUsable = usable[0];
  return versionNumber(requested) < versionNumber(oldestUsable) ? oldestUsable : requested;
}

/**
 * Every emulated route starts with `/:version`; Graph answers 2500 when that segment is not a
 * version (or names one not released). An expired version is served as the oldest usable one,
 * and every answer says which version ran it in the `facebook-api-version` header, as Graph does.
 * Returns true when it answered.
 */
export function rejectBadVersion(req: EmulatorRequest, res: http.ServerResponse, now: number = Date.now()): boolean {
  const served = isVersion(req.params.version) ? servedGraphVersion(req.params.version, now) : null;
  if (served) {
    res.setHeader('facebook-api-version', served);
    return false;
  }
  sendGraphError(res, 400, { message: `Unknown path components: /${req.params.version}`, code: 2500 });
  return true;
}

/** Graph's answer for a node that does not exist (or that the token may not see): 100/33. */
export function sendUnsupportedGet(res: http.ServerResponse, id?: string): void {
  sendGraphError(res, 400, {
    message: `Unsupported get request. Object${id ? ` with ID '${id}'` : ''} does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    code: 100,
    error_subcode: 33,
  });
}

export interface GraphPageRequest {
  limit: number;
  /** How many of the newest items the `after` cursor skips. */
  offset: number;
}

/** Reads Graph's cursor paging parameters: `limit` (1–100, default 25) and the opaque `after`. */
export function graphPageRequest(params: Record<string, string>): GraphPageRequest {
  const limit = Math.min(100, Math.max(1, Number(params.limit ?? 25) || 25));
  const offset = params.after ? Number(Buffer.from(params.after, 'base64url').toString('utf8')) || 0 : 0;
  return { limit, offset };
}

/**
 * The `{ data, paging }` body of one page of an edge holding `total` items. `edgeUrl` is the
 * edge's absolute URL (paging.next points at it, as Graph's does).
 */
export function graphPagedBody(data: unknown[], page: GraphPageRequest, total: number, edgeUrl: string): Record<string, unknown> {
  const body: Record<string, unknown> = { data };
  if (data.length) {
    const { limit, offset } = page;
    const cursor = (n: number): string => Buffer.from(String(n)).toString('base64url');
    const paging: Record<string, unknown> = { cursors: { before: cursor(offset), after: cursor(offset + data.length) } };
    if (offset + data.length < total) paging.next = `${edgeUrl}?limit=${limit}&after=${cursor(offset + data.length)}`;
    body.paging = paging;
  }
  return body;
}

/** Graph's timestamp format: `2024-06-01T12:00:05+0000`. */
export function graphTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, '+0000');
}

export interface GraphFaultOptions {
  /** BUC type in x-business-use-case-usage: 'pages' or 'instagram'. */
  bucType: 'pages' | 'instagram';
  /** Throttle code used when a rate_limit fault names none (80001 pages, 80002 Instagram). */
  defaultThrottleCode: number;
  /** Account id used as the key of x-business-use-case-usage. */
  accountId: string;
}

export type FaultOutcome = 'handled' | { afterCommit: 'server_error' | 'reset'; status: number } | undefined;

/**
 * Answers the faults every Graph endpoint honours:
 * - rate_limit {code?=4|17|32|613|80001|80002, resetInSeconds?=3600, header?='buc'|'app'|'none'}:
 *   HTTP 400 with that code's body. 'buc' sends x-business-use-case-usage with
 *   estimated_time_to_regain_access = ceil(resetInSeconds / 60) minutes; 'app' sends x-app-usage
 *   at 100 % (no time); default 'app' for codes 4/17, else 'buc'.
 * - server_error {status=500, html?}: code 2 "unexpected error" body, or an HTML page.
 * - server_error_after_commit {status=500}: the endpoint does its work, then the code 2 body.
 * - applied_after_timeout {ms}: on the publish calls, the request is held ms (past the client's timeout), then carried out.
 * - connection_reset {afterCommit?}: socket destroyed (after the work when afterCommit).
 * - hang {ms}: no answer for ms, then the socket is destroyed.
 * - expired_token: 400 code 190/463 + WWW-Authenticate; revoked_token: 400 code 190/460.
 */
export async function answerGraphFault(fault: Fault | undefined, res: http.ServerResponse, o: GraphFaultOptions): Promise<FaultOutcome> {
  if (!fault) return undefined;
  const f = fault as Record<string, unknown>;
  switch (fault.kind) {
    case 'rate_limit': {
      const code = typeof f.code === 'number' ? f.code : o.defaultThrottleCode;
      const body = GRAPH_ERRORS.throttle[code] ?? { message: `(#${code}) Rate limited`, code };
      const reset = typeof f.resetInSeconds === 'number' ? f.resetInSeconds : 3600;
      const style = typeof f.header === 'string' ? f.header : code === 4 || code === 17 ? 'app' : 'buc';
      const headers: Record<string, string> = {};
      if (style === 'buc') {
        headers['x-business-use-case-usage'] = JSON.stringify({
          [o.accountId]: [
            { type: o.bucType, call_count: 100, total_cputime: 30, total_time: 40, estimated_time_to_regain_access: Math.ceil(reset / 60) },
          ],
        });
      } else if (style === 'app') {
        headers['x-app-usage'] = JSON.stringify({ call_count: 100, total_time: 41, total_cputime: 12 });
      }
      if (code === 4) headers['www-authenticate'] = 'OAuth "Facebook Platform" "invalid_request" "(#4) Application request limit reached"';
      sendGraphError(res, 400, body, headers);
      return 'handled';
    }
    case 'server_error': {
      const status = typeof f.status === 'number' ? f.status : 500;
      if (f.html === true) sendHtml(res, status, HTML_5XX);
      else sendGraphError(res, status, GRAPH_ERRORS.serverError);
      return 'handled';
    }
    case 'server_error_after_commit':
      return { afterCommit: 'server_error', status: typeof f.status === 'number' ? f.status : 500 };
    case 'connection_reset':
      if (f.afterCommit === true) return { afterCommit: 'reset', status: 0 };
      resetConnection(res);
      return 'handled';
    case 'hang':
      await hangThenReset(res, typeof f.ms === 'number' ? f.ms : 30_000);
      return 'handled';
    case 'expired_token':
      sendExpired(res);
      return 'handled';
    case 'revoked_token':
      sendGraphError(res, 400, GRAPH_ERRORS.revoked, {
        'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${GRAPH_ERRORS.revoked.message}"`,
      });
      return 'handled';
    default:
      return undefined;
  }
}

export function sendExpired(res: http.ServerResponse): void {
  sendGraphError(res, 400, GRAPH_ERRORS.expired, {
    'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${GRAPH_ERRORS.expired.message}"`,
  });
}

/** Finishes an after-commit fault once the work is done. */
export function finishAfterCommit(outcome: FaultOutcome, res: http.ServerResponse): boolean {
  if (!outcome || outcome === 'handled') return false;
  if (outcome.afterCommit === 'reset') resetConnection(res);
  else sendGraphError(res, outcome.status, GRAPH_ERRORS.serverError);
  return true;
}

export const GENERIC_GRAPH_FAULTS = new Set([
  'rate_limit',
  'server_error',
  'server_error_after_commit',
  'applied_after_timeout',
  'connection_reset',
  'hang',
  'expired_token',
  'revoked_token',
]);

/** Token state of one emulated account: valid, expired or revoked. */
export type TokenState = 'valid' | 'expired' | 'revoked';

/** Answers a bad token the way Graph does; returns true when it answered. */
export function rejectToken(res: http.ServerResponse, state: TokenState | undefined): boolean {
  if (state === 'valid') return false;
  if (state === 'expired') sendExpired(res);
  else if (state === 'revoked') sendGraphError(res, 400, GRAPH_ERRORS.revoked);
  else sendGraphError(res, 400, GRAPH_ERRORS.invalidToken);
  return true;
}

/** Usage headers Graph sends on successful answers (low usage). */
export function usageHeaders(o: GraphFaultOptions): Record<string, string> {
  return {
    'x-app-usage': '{"call_count":1,"total_time":1,"total_cputime":1}',
    'x-business-use-case-usage': JSON.stringify({
      [o.accountId]: [{ type: o.bucType, call_count: 1, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 }],
    }),
  };
}

import { AxiosError, AxiosResponseHeaders, RawAxiosResponseHeaders, isAxiosError } from 'axios';
import { NetworkError } from './network-adapter';

/**
 * Error classification shared by the Facebook Pages and Instagram adapters (both speak the Meta
 * Graph API, docs/networks.md, Facebook and Instagram), and the text matching both use to find a
 * post again after a crash.
 */

/** The `error` object of a Graph error body. */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id?: string;
}

/**
 * When a throttled answer carries no usable reset time. Graph's platform budget is a rolling
 * hour (x-app-usage), so one hour is the longest a full budget takes to free up; the pages and
 * Instagram budgets are rolling 24 h but normally say `estimated_time_to_regain_access`.
 */
export const GRAPH_DEFAULT_THROTTLE_WAIT_MS = 60 * 60 * 1000;

const THROTTLE_CODES = new Set([4, 17, 32, 613]);
/** 80001 pages, 80002 Instagram, and the rest of the business-use-case family. */
const isBucThrottle = (code: number): boolean => code >= 80000 && code <= 80014;
const AUTH_CODES = new Set([102, 190]);
const PERMISSION_CODES = new Set([10]);
const isPermissionCode = (code: number): boolean => PERMISSION_CODES.has(code) || (code >= 200 && code <= 299);
const DUPLICATE_SUBCODES = new Set([1455006, 1366051]);
const TRANSIENT_CODES = new Set([1, 2, -1, -2]);
/** Instagram subcodes that mean "try again": server error, download timeout, create media failed. */
const TRANSIENT_SUBCODES = new Set([2207001, 2207003, 2207032]);

export type GraphNetworkName = 'Facebook' | 'Instagram';

export interface GraphErrorContext {
  networkName: GraphNetworkName;
  /** True for the call that makes the post exist (feed/photos, media_publish): a lost answer may hide a publication. */
  commitCall: boolean;
  /** Values that must never appear in a message (the channel's tokens). */
  secrets: string[];
  now?: number;
}

export function graphErrorBody(data: unknown): GraphErrorBody | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const error = (data as { error?: unknown }).error;
  if (!error || typeof error !== 'object') return undefined;
  return error as GraphErrorBody;
}

export function graphNetworkCode(body: GraphErrorBody): string | undefined {
  if (body.code === undefined) return undefined;
  return body.error_subcode !== undefined ? `${body.code}/${body.error_subcode}` : String(body.code);
}

type Headers = RawAxiosResponseHeaders | AxiosResponseHeaders | Record<string, unknown>;

function header(headers: Headers | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;
}

/**
 * When a throttled account can call again: the largest `estimated_time_to_regain_access`
 * (minutes) of x-business-use-case-usage; else one hour (see GRAPH_DEFAULT_THROTTLE_WAIT_MS,
 * which also covers x-app-usage / x-page-usage, percentages of a rolling hour with no time).
 */
export function graphRetryAt(headers: Headers | undefined, now = Date.now()): Date {
  const buc = header(headers, 'x-business-use-case-usage');
  if (buc) {
    try {
      const usage = JSON.parse(buc) as Record<string, Array<{ estimated_time_to_regain_access?: unknown }>>;
      let minutes = 0;
      for (const entries of Object.values(usage)) {
        for (const e of Array.isArray(entries) ? entries : []) {
          const m = Number(e.estimated_time_to_regain_access);
          if (Number.isFinite(m) && m > minutes) minutes = m;
        }
      }
      if (minutes > 0) return new Date(now + minutes * 60_000);
    } catch {
      // Malformed header: fall through to the default.
    }
  }
  return new Date(now + GRAPH_DEFAULT_THROTTLE_WAIT_MS);
}

/** Removes the channel's secrets, and anything shaped like an access token, from a network's text. */
export function scrubSecrets(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[hidden]');
  return out.replace(/access_token=[^&\s]+/gi, 'access_token=[hidden]').replace(/\b[A-Za-z0-9_-]{40,}\b/g, '[hidden]');
}

function describeTransport(err: AxiosError): 'timeout' | 'refused' | 'reset' {
  const code = err.code ?? '';
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(err.message)) return 'timeout';
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'refused';
  return 'reset';
}

/** Classifies anything thrown by an axios call to the Graph API. */
export function classifyGraphError(err: unknown, ctx: GraphErrorContext): NetworkError {
  if (err instanceof NetworkError) return err;
  const name = ctx.networkName;
  const now = ctx.now ?? Date.now();
  if (!isAxiosError(err)) {
    return new NetworkError('unknown', `Unexpected problem while talking to ${name}.`);
  }
  const res = err.response;
  if (!res) {
    const what = describeTransport(err);
    if (what === 'refused') {
      return new NetworkError('transient', `${name} could not be reached. Chorus will try again.`, { maybeCommitted: false });
    }
    const lost = what === 'timeout' ? `${name} did not answer in time` : `The connection to ${name} was cut`;
    return new NetworkError(
      'transient',
      ctx.commitCall
        ? `${lost}. The post may have been published; Chorus checks before trying again.`
        : `${lost}. Chorus will try again.`,
      { maybeCommitted: ctx.commitCall },
    );
  }

  const status = res.status;
  const body = graphErrorBody(res.data);
  const networkCode = body ? graphNetworkCode(body) : undefined;
  const base = { httpStatus: status, networkCode };
  const code = body?.code;
  const sub = body?.error_subcode;
  const userMsg = body?.error_user_msg ? scrubSecrets(body.error_user_msg, ctx.secrets) : undefined;

  if (code !== undefined) {
    if (AUTH_CODES.has(code)) {
      const why =
        sub === 463
          ? `The ${name} connection has expired.`
          : sub === 460
            ? `The ${name} connection stopped working because the account's password changed.`
            : sub === 458
              ? `Chorus was removed from the ${name} account's apps.`
              : `${name} no longer accepts this account's connection.`;
      return new NetworkError('auth', `${why} Reconnect the account in Chorus.`, base);
    }
    if (isPermissionCode(code)) {
      return new NetworkError(
        'auth',
        `${name} says Chorus lacks the permission to do this for the account. Reconnect the account and grant publishing rights.`,
        base,
      );
    }
    if (code === 4 && sub === 2207051) {
      return new NetworkError(
        'content',
        `${name} restricted this publication as spam-like activity. Review the post before trying again by hand.`,
        base,
      );
    }
    if (THROTTLE_CODES.has(code) || isBucThrottle(code) || code === 9) {
      const quota = code === 9 || sub === 2207042;
      return new NetworkError(
        'rate_limited',
        quota
          ? `The account reached ${name}'s limit of posts per day. Chorus will try again later.`
          : `${name} is limiting how many requests Chorus can make for this account. Chorus will try again later.`,
        { ...base, retryAt: graphRetryAt(res.headers, now) },
      );
    }
    if (code === 506 || (sub !== undefined && DUPLICATE_SUBCODES.has(sub))) {
      return new NetworkError('content', `${name} refused the post because the account already published the same content.`, { ...base, duplicate: true });
    }
    if (code === 368) {
      return new NetworkError(
        'content',
        sub === 1390008
          ? `${name} temporarily blocked the account from posting because it posted too fast. Try again later by hand.`
          : `${name} refused the post because the account already posted this content.`,
        { ...base, duplicate: sub !== 1390008 },
      );
    }
    if (TRANSIENT_CODES.has(code) || (sub !== undefined && TRANSIENT_SUBCODES.has(sub)) || body?.is_transient === true || status >= 500) {
      return transient(name, status, ctx.commitCall, base);
    }
    if (status >= 400 && status < 500) {
      return new NetworkError(
        'content',
        userMsg ? `${name} refused the post: ${userMsg}` : `${name} refused the post (error ${networkCode}).`,
        base,
      );
    }
  }
  if (status >= 500) return transient(name, status, ctx.commitCall, base);
  if (status === 429) {
    return new NetworkError('rate_limited', `${name} is limiting requests for this account. Chorus will try again later.`, {
      ...base,
      retryAt: graphRetryAt(res.headers, now),
    });
  }
  return new NetworkError('unknown', `${name} answered with an unexpected error (HTTP ${status}).`, base);
}

function transient(name: GraphNetworkName, status: number, commitCall: boolean, base: { httpStatus: number; networkCode?: string }): NetworkError {
  return new NetworkError(
    'transient',
    commitCall
      ? `${name} had a server problem (HTTP ${status}). The post may have been published; Chorus checks before trying again.`
      : `${name} had a server problem (HTTP ${status}). Chorus will try again.`,
    { ...base, maybeCommitted: commitCall },
  );
}

/**
 * Networks stamp posts to the second and their clocks drift from ours: a post counts as
 * "after since" when it is at most this much older than `since`.
 */
export const PUBLISHED_LOOKUP_SKEW_MS = 60_000;

/** Graph stamps like `2024-06-01T12:00:05+0000`, which Date.parse does not read everywhere. */
export function parseGraphTime(value: string): Date | undefined {
  const d = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

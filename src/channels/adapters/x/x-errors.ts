import type { IncomingHttpHeaders } from 'node:http';
import { ApiPartialResponseError, ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { NetworkError } from '../network-adapter';

/** Which call failed: the wording and `maybeCommitted` depend on it. */
export type XCallKind =
  /** POST /2/tweets: a lost answer may hide a created post. */
  | 'create'
  /** Reads: nothing is published by them. */
  | 'read'
  /** Media upload: publishes nothing either, and needs the `media.write` scope. */
  | 'media'
  /** POST /2/oauth2/token: a lost answer may hide a rotation (the old refresh token is then dead). */
  | 'token';

/** When a 429 carries no reset header: X's windows are 15 minutes. */
export const X_DEFAULT_RATE_LIMIT_WAIT_MS = 15 * 60 * 1000;

interface ProblemBody {
  title?: string;
  detail?: string;
  type?: string;
  status?: number;
  errors?: Array<{ message?: string }>;
  error?: string;
  error_description?: string;
}

function num(headers: IncomingHttpHeaders, name: string): number | undefined {
  const v = headers[name];
  const n = Number(Array.isArray(v) ? v[0] : v);
  return v !== undefined && Number.isFinite(n) ? n : undefined;
}

/**
 * The instant a 429 lifts: the reset of every exhausted bucket (15-minute window, user 24 h,
 * app 24 h), the latest one winning; the window reset when nothing says "remaining: 0"; the
 * first of next month (UTC) for the monthly usage cap, which sends no reset header.
 */
export function xRetryAt(headers: IncomingHttpHeaders, body: ProblemBody | undefined, now = Date.now()): Date {
  if (body?.title === 'UsageCapExceeded' || body?.type?.endsWith('/usage-capped')) {
    const d = new Date(now);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  }
  const resets: number[] = [];
  for (const prefix of ['x-rate-limit', 'x-user-limit-24hour', 'x-app-limit-24hour']) {
    const reset = num(headers, `${prefix}-reset`);
    if (reset !== undefined && num(headers, `${prefix}-remaining`) === 0) resets.push(reset * 1000);
  }
  if (resets.length === 0) {
    const windowReset = num(headers, 'x-rate-limit-reset');
    if (windowReset !== undefined) resets.push(windowReset * 1000);
  }
  if (resets.length === 0) return new Date(now + X_DEFAULT_RATE_LIMIT_WAIT_MS);
  // A reset already past (clock drift) still means "wait a little", not "retry at once".
  return new Date(Math.max(...resets, now + 1000));
}

function problemCode(body: ProblemBody | undefined): string | undefined {
  const type = body?.type;
  if (type && type !== 'about:blank') return type.split('/').pop();
  return undefined;
}

function lostAnswer(call: XCallKind, what: string, httpStatus?: number): NetworkError {
  if (call === 'create') {
    return new NetworkError('transient', `${what}. The post may have been published; Chorus checks before trying again.`, {
      maybeCommitted: true,
      httpStatus,
    });
  }
  if (call === 'token') {
    return new NetworkError('transient', `${what} while renewing the X connection. Chorus will try again.`, {
      maybeCommitted: true,
      httpStatus,
    });
  }
  return new NetworkError('transient', `${what}. Chorus will try again.`, { maybeCommitted: false, httpStatus });
}

/**
 * The socket error behind an ApiRequestError. twitter-api-v2 1.29 stores it as `error` while its
 * `requestError` getter reads another key, so look at both.
 */
function requestCause(err: ApiRequestError): NodeJS.ErrnoException | undefined {
  const fromGetter: unknown = err.requestError;
  const options: unknown = Reflect.get(err, '_options');
  const stored: unknown = options && typeof options === 'object' ? (options as { error?: unknown }).error : undefined;
  const cause = fromGetter ?? stored;
  // Structural check: socket errors may come from another realm (e.g. a jest sandbox), where instanceof Error fails.
  return cause && typeof cause === 'object' && typeof (cause as { message?: unknown }).message === 'string'
    ? (cause as NodeJS.ErrnoException)
    : undefined;
}

/** Classifies anything thrown by twitter-api-v2 (or by our own calls around it). */
export function classifyXError(err: unknown, call: XCallKind, now = Date.now()): NetworkError {
  if (err instanceof NetworkError) return err;

  if (err instanceof ApiResponseError) {
    const status = err.code;
    const body = typeof err.data === 'object' && err.data !== null ? (err.data as ProblemBody) : undefined;
    const base = { httpStatus: status, networkCode: problemCode(body) };
    if (call === 'token' && (status === 400 || status === 401)) {
      return new NetworkError('auth', 'X refused to renew the account connection. Reconnect the X account in Chorus.', {
        httpStatus: status,
        networkCode: body?.error,
      });
    }
    if (status === 429 || status === 420) {
      const monthly = body?.title === 'UsageCapExceeded';
      return new NetworkError(
        'rate_limited',
        monthly
          ? 'The X plan used by Chorus reached its monthly posting cap. Posts resume next month or after an upgrade.'
          : 'X is limiting how often this account can post. Chorus will try again when the limit resets.',
        { ...base, networkCode: base.networkCode ?? 'too-many-requests', retryAt: xRetryAt(err.headers, body, now) },
      );
    }
    if (status === 401) {
      return new NetworkError('auth', 'X refused the account connection (it expired or was revoked).', base);
    }
    if (status === 403 && call === 'media') {
      // A token granted without media.write (connections made before X required it) gets a bare 403 here.
      return new NetworkError('auth', 'X refused the image or video upload: this account\'s connection lacks the permission to upload media (media.write). Reconnect this account in Chorus.', {
        ...base,
        networkCode: base.networkCode ?? 'media-write-scope',
      });
    }
    if (status === 403) {
      const detail = body?.detail ?? '';
      if (/duplicate content/i.test(detail)) {
        return new NetworkError('content', 'X refused the post because this account already published the same text.', {
          ...base,
          networkCode: 'duplicate-content',
          duplicate: true,
        });
      }
      if (/client-forbidden|unsupported-authentication/.test(body?.type ?? '') || /not permitted to use OAuth|client-not-enrolled/i.test(detail)) {
        return new NetworkError('auth', 'X says Chorus is not allowed to post for this account. Reconnect the X account.', base);
      }
      return new NetworkError('content', 'X refused the post (this account is not allowed to publish it).', base);
    }
    if (status >= 500) {
      return lostAnswer(call, `X had a server problem (HTTP ${status})`, status);
    }
    if (status === 400) {
      const message = body?.errors?.[0]?.message ?? '';
      if (/too long/i.test(message)) {
        return new NetworkError('content', 'The text is too long for X (280 characters; each link counts as 23).', {
          ...base,
          networkCode: 'text-too-long',
        });
      }
      if (/media/i.test(message)) {
        return new NetworkError('content', 'X refused the image or video attached to the post.', base);
      }
      return new NetworkError('content', 'X refused the post as invalid.', base);
    }
    return new NetworkError('unknown', `X answered with an unexpected error (HTTP ${status}).`, base);
  }

  if (err instanceof ApiPartialResponseError) {
    // The answer started (a status line arrived) but was cut or unreadable.
    return lostAnswer(call, 'The answer from X was cut off');
  }

  if (err instanceof ApiRequestError) {
    const cause = requestCause(err);
    if (cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') {
      return new NetworkError('transient', 'X could not be reached. Chorus will try again.', { maybeCommitted: false });
    }
    return lostAnswer(call, /timeout/i.test(cause?.message ?? '') ? 'X did not answer in time' : 'The connection to X was cut');
  }

  if (err instanceof Error && /Media processing failed/i.test(err.message)) {
    return new NetworkError('content', 'X could not process the image or video of this post.');
  }
  return new NetworkError('unknown', 'Unexpected problem while talking to X.');
}

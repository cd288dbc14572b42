import axios from 'axios';
import { NetworkError } from './network-adapter';

/**
 * For adapters that read every HTTP status themselves (axios `validateStatus: () => true`), the
 * only thing axios still throws is a transport failure: no answer at all. Whether the post may
 * exist then depends on whether the request could have reached the network, which is the same
 * question for every such network, so it is answered once here.
 */

/** The request never left: the name did not resolve or nothing listened. Nothing was created. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
const TIMED_OUT = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/**
 * Classifies what an axios call threw when no answer came back. `who` is how messages name the
 * network ('LinkedIn', 'Bluesky'); `isCreate` marks the call that makes the post exist, where a
 * lost answer may hide a publication unless the request provably never left.
 */
export function transportError(err: unknown, who: string, isCreate: boolean): NetworkError {
  if (err instanceof NetworkError) return err;
  const code = axios.isAxiosError(err) ? err.code : undefined;
  const neverSent = code !== undefined && NEVER_SENT.has(code);
  const timedOut = code !== undefined && TIMED_OUT.has(code);
  return new NetworkError(
    'transient',
    timedOut ? `${capitalize(who)} took too long to answer; will check and try again.` : `Could not reach ${who}; will try again.`,
    { maybeCommitted: isCreate && !neverSent, networkCode: code },
  );
}

/** `who` may be a phrase such as 'the Mastodon server' that starts a sentence. */
function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

import dns from 'node:dns';
import net from 'node:net';
import { isForbiddenAddress, ResolvedAddress } from './media-fetcher';

/** Why an address given by a user may not be reached from our servers. */
export type PublicAddressProblem = 'invalid' | 'credentials_in_url' | 'unresolvable' | 'lookup_failed' | 'private';

export class PublicAddressError extends Error {
  constructor(
    readonly problem: PublicAddressProblem,
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = 'PublicAddressError';
  }
}

export interface PublicAddressOptions {
  /** Allows loopback/private targets. Only for tests and local demos talking to local emulators. */
  allowPrivateHosts?: boolean;
  /** Resolver, replaceable in tests; defaults to dns.lookup with all addresses. */
  lookup?: (hostname: string) => Promise<ResolvedAddress[]>;
}

const systemLookup = (hostname: string): Promise<ResolvedAddress[]> => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * The guard every user-given outbound address goes through (media links, webhooks, Mastodon
 * instances): http(s) only, no credentials in the URL, and every address the name resolves to must
 * be public (loopback, private, link-local/metadata, CGNAT and reserved ranges are refused; see
 * isForbiddenAddress). Answers the first resolved address, which callers that can should connect
 * to directly, so a second DNS answer cannot swap in an internal one.
 */
export async function resolvePublicUrl(url: string, options: PublicAddressOptions = {}): Promise<{ target: URL; address: ResolvedAddress }> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new PublicAddressError('invalid', '', `"${url}" is not a valid web address.`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new PublicAddressError('invalid', target.host, `${target.host || url} must start with http:// or https://.`);
  }
  if (target.username || target.password) {
    throw new PublicAddressError('credentials_in_url', target.host, `${target.host} must not carry a user name or password.`);
  }
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(hostname)) {
    if (!options.allowPrivateHosts && isForbiddenAddress(hostname)) throw privateAddress(target.host);
    return { target, address: { address: hostname, family: net.isIP(hostname) } };
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await (options.lookup ?? systemLookup)(hostname);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') throw new PublicAddressError('unresolvable', target.host, `The server ${hostname} does not exist.`);
    throw new PublicAddressError('lookup_failed', target.host, `Could not look up the server ${hostname}.`);
  }
  if (addresses.length === 0) throw new PublicAddressError('unresolvable', target.host, `The server ${hostname} does not exist.`);
  if (!options.allowPrivateHosts && addresses.some((a) => isForbiddenAddress(a.address))) throw privateAddress(target.host);
  return { target, address: addresses[0] };
}

function privateAddress(host: string): PublicAddressError {
  return new PublicAddressError('private', host, `${host} points to a private or reserved network address; give a public address.`);
}

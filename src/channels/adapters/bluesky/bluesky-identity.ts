import axios, { AxiosInstance } from 'axios';
import dns from 'node:dns';
import { isForbiddenAddress } from '../../media/media-fetcher';
import { MediaFetcher } from '../../media/media-fetcher.types';
import { NetworkError } from '../network-adapter';

/**
 * Where a Bluesky account lives. An account's repository is on its own PDS (Bluesky's hosts or
 * any self-hosted server), named in its DID document: handle → DID (com.atproto.identity.
 * resolveHandle) → DID document (did:plc from the PLC directory, did:web from the host's
 * /.well-known/did.json) → the service `#atproto_pds`.
 */
export interface BlueskyIdentity {
  did: string;
  /** The PDS base URL (XRPC under /xrpc), without a trailing slash. */
  pdsUrl: string;
}

export interface BlueskyIdentityResolverOptions {
  /** A service answering com.atproto.identity.resolveHandle (an entryway such as https://bsky.social, or an AppView). */
  handleResolverUrl: string;
  /** The did:plc directory, https://plc.directory unless configured. */
  plcDirectoryUrl: string;
  /** did:web documents are fetched through the SSRF-safe media fetcher: the host comes from user data. */
  fetcher: MediaFetcher;
  /** When false (production), a PDS must be https on a public address. Tests and the demo run local servers. */
  allowPrivateHosts: boolean;
  timeoutMs: number;
  /** How long a resolved PDS is trusted before it is looked up again (accounts can move). */
  cacheMs?: number;
  now?: () => number;
}

const DID_PLC = /^did:plc:[a-z2-7]{24}$/;
const DID_WEB = /^did:web:[a-zA-Z0-9.%-]+$/;
const LOCAL_WEB_HOST = /^(localhost|127\.0\.0\.1)(%3[aA]\d+)?$/;

export class BlueskyIdentityResolver {
  private readonly http: AxiosInstance;
  private readonly cache = new Map<string, { identity: BlueskyIdentity; until: number }>();
  private readonly cacheMs: number;
  private readonly now: () => number;

  constructor(private readonly options: BlueskyIdentityResolverOptions) {
    this.http = axios.create({ timeout: options.timeoutMs, validateStatus: () => true, maxRedirects: 0 });
    this.cacheMs = options.cacheMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
  }

  /** The account's DID and PDS. `didOrHandle` is the stored DID when there is one, else the handle. */
  async resolve(didOrHandle: string): Promise<BlueskyIdentity> {
    const key = didOrHandle.replace(/^@/, '').toLowerCase();
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.identity;
    const did = key.startsWith('did:') ? didOrHandle : await this.didOfHandle(key);
    if (!did) throw new NetworkError('auth', `Bluesky does not know the handle ${key}; check the account's handle and reconnect it.`);
    const pdsUrl = await this.pdsOf(did);
    const identity = { did, pdsUrl };
    this.cache.set(key, { identity, until: this.now() + this.cacheMs });
    return identity;
  }

  /** Forgets a resolution, e.g. after the PDS stopped knowing the account (it may have moved). */
  forget(didOrHandle: string): void {
    this.cache.delete(didOrHandle.replace(/^@/, '').toLowerCase());
  }

  /** A handle's DID, or null when the resolver says it does not resolve. */
  async didOfHandle(handle: string): Promise<string | null> {
    let res;
    try {
      res = await this.http.get<{ did?: unknown; error?: unknown }>(`${trim(this.options.handleResolverUrl)}/xrpc/com.atproto.identity.resolveHandle`, { params: { handle } });
    } catch {
      throw new NetworkError('transient', 'Could not reach Bluesky to look up a handle; will try again.');
    }
    if (res.status === 200 && typeof res.data?.did === 'string') return res.data.did;
    if (res.status === 400) return null;
    throw new NetworkError('transient', `Bluesky could not look up the handle ${handle} (${res.status}); will try again.`, { httpStatus: res.status });
  }

  private async pdsOf(did: string): Promise<string> {
    const doc = await this.document(did);
    const services = Array.isArray(doc.service) ? (doc.service as Array<Record<string, unknown>>) : [];
    const pds = services.find((s) => (s.id === '#atproto_pds' || s.id === `${did}#atproto_pds`) && s.type === 'AtprotoPersonalDataServer');
    const endpoint = typeof pds?.serviceEndpoint === 'string' ? pds.serviceEndpoint : null;
    if (!endpoint) throw new NetworkError('auth', `The Bluesky account ${did} names no server (PDS) in its DID document.`);
    await this.checkEndpoint(endpoint, did);
    return trim(endpoint);
  }

  private async document(did: string): Promise<Record<string, unknown>> {
    if (DID_PLC.test(did)) {
      let res;
      try {
        res = await this.http.get<unknown>(`${trim(this.options.plcDirectoryUrl)}/${did}`);
      } catch {
        throw new NetworkError('transient', 'Could not reach the PLC directory to find the Bluesky account\'s server; will try again.');
      }
      if (res.status === 404 || res.status === 410) throw new NetworkError('auth', `The PLC directory does not know ${did} (or it was deactivated).`, { httpStatus: res.status });
      if (res.status !== 200 || typeof res.data !== 'object' || res.data === null) {
        throw new NetworkError('transient', `The PLC directory answered ${res.status} for ${did}; will try again.`, { httpStatus: res.status });
      }
      return res.data as Record<string, unknown>;
    }
    if (DID_WEB.test(did)) {
      const host = did.slice('did:web:'.length);
      if (host.includes(':')) throw new NetworkError('auth', `Chorus does not support did:web identifiers with a path (${did}).`);
      // The spec says https; a local test server is reached over http (and only with private hosts allowed).
      const scheme = this.options.allowPrivateHosts && LOCAL_WEB_HOST.test(host) ? 'http' : 'https';
      const { bytes } = await this.options.fetcher.fetch(`${scheme}://${decodeURIComponent(host)}/.well-known/did.json`);
      try {
        const doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
        if (doc.id !== did) throw new Error('id mismatch');
        return doc;
      } catch {
        throw new NetworkError('auth', `The DID document of ${did} is not valid.`);
      }
    }
    throw new NetworkError('auth', `Chorus does not support this kind of Bluesky identifier: ${did}.`);
  }

  /** A PDS named in a DID document is user data: in production it must be https on a public address. */
  private async checkEndpoint(endpoint: string, did: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new NetworkError('auth', `The server named in the DID document of ${did} is not a web address.`);
    }
    if (this.options.allowPrivateHosts) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new NetworkError('auth', `The server of ${did} is not an http(s) address.`);
      return;
    }
    if (url.protocol !== 'https:') throw new NetworkError('auth', `The server of ${did} (${url.host}) does not use https.`);
    const addresses = await dns.promises.lookup(url.hostname, { all: true, verbatim: true }).catch(() => {
      throw new NetworkError('transient', `Could not look up the server of ${did} (${url.host}); will try again.`);
    });
    if (addresses.length === 0 || addresses.some((a) => isForbiddenAddress(a.address))) {
      throw new NetworkError('auth', `The server of ${did} (${url.host}) points to a private or reserved address.`);
    }
  }
}

function trim(url: string): string {
  return url.replace(/\/+$/, '');
}

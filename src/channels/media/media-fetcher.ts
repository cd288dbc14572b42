import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { NetworkError } from '../adapters/network-adapter';
import { MediaFetcher } from './media-fetcher.types';

/** One resolved address of a host, as dns.lookup({ all: true }) gives it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface HttpMediaFetcherOptions {
  /** Allows loopback/private targets. Only for tests that serve media from a local emulator. */
  allowPrivateHosts?: boolean;
  /** Largest download accepted, in bytes (default 20 MB). Enforced while streaming. */
  maxBytes?: number;
  /** Whole-download deadline per hop, in ms (default 15 s). */
  timeoutMs?: number;
  /** Redirects followed, each hop checked again (default 3). */
  maxRedirects?: number;
  /** Resolver, replaceable in tests; defaults to dns.lookup with all addresses. */
  lookup?: (hostname: string) => Promise<ResolvedAddress[]>;
}

const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/**
 * Downloads a post's media from the URL the community manager gave, for re-upload to a network.
 * The URL is user input, so this is an SSRF boundary: only http(s), every resolved address must be
 * public, and we connect to the exact address we checked (a second DNS answer cannot swap in an
 * internal one). Redirects are followed only after checking the next hop the same way.
 */
export class HttpMediaFetcher implements MediaFetcher {
  private readonly allowPrivateHosts: boolean;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;
  private readonly lookup: (hostname: string) => Promise<ResolvedAddress[]>;

  constructor(options: HttpMediaFetcherOptions = {}) {
    this.allowPrivateHosts = options.allowPrivateHosts ?? false;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRedirects = options.maxRedirects ?? 3;
    this.lookup = options.lookup ?? ((hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true }));
  }

  async fetch(url: string): Promise<{ bytes: Buffer; contentType: string }> {
    let current = url;
    for (let hop = 0; hop <= this.maxRedirects; hop++) {
      const target = this.parse(current);
      const address = await this.resolve(target);
      const answer = await this.download(target, address);
      if ('redirect' in answer) {
        current = new URL(answer.redirect, target).toString();
        continue;
      }
      return answer;
    }
    throw new NetworkError('content', `The media link ${url} redirects too many times.`);
  }

  private parse(url: string): URL {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new NetworkError('content', `The media link "${url}" is not a valid web address.`);
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      throw new NetworkError('content', `The media link ${url} must start with http:// or https://.`);
    }
    if (target.username || target.password) {
      throw new NetworkError('content', `The media link ${target.host} must not contain a user name or password.`);
    }
    return target;
  }

  private async resolve(target: URL): Promise<ResolvedAddress> {
    const hostname = target.hostname.replace(/^\[|\]$/g, '');
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.lookup(hostname);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') {
        throw new NetworkError('content', `The media link's server ${hostname} does not exist.`);
      }
      throw new NetworkError('transient', `Could not look up the media link's server ${hostname}; will try again.`);
    }
    if (addresses.length === 0) throw new NetworkError('content', `The media link's server ${hostname} does not exist.`);
    if (!this.allowPrivateHosts && addresses.some((a) => isForbiddenAddress(a.address))) {
      throw new NetworkError('content', `The media link ${target.host} points to a private or reserved network address; use a public link.`);
    }
    return addresses[0];
  }

  private download(target: URL, resolved: ResolvedAddress): Promise<{ bytes: Buffer; contentType: string } | { redirect: string }> {
    const isHttps = target.protocol === 'https:';
    const hostname = target.hostname.replace(/^\[|\]$/g, '');
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: NetworkError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(err);
      };
      const options: https.RequestOptions = {
        host: resolved.address,
        family: resolved.family,
        port: target.port || (isHttps ? 443 : 80),
        path: target.pathname + target.search,
        method: 'GET',
        headers: { host: target.host, accept: 'image/*,video/*;q=0.9,*/*;q=0.5', 'user-agent': 'Chorus media fetcher' },
        // TLS certificate is checked against the name, though we connect to the checked address.
        servername: net.isIP(hostname) ? undefined : hostname,
        agent: false,
      };
      const req = (isHttps ? https : http).request(options, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          settled = true;
          clearTimeout(timer);
          resolve({ redirect: res.headers.location });
          return;
        }
        if (status >= 500) {
          res.resume();
          return fail(new NetworkError('transient', `The media link ${target.host} answered with a server error (${status}); will try again.`, { httpStatus: status }));
        }
        if (status < 200 || status >= 300) {
          res.resume();
          return fail(new NetworkError('content', `The media link ${target.href} could not be downloaded (the server answered ${status}).`, { httpStatus: status }));
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > this.maxBytes) {
          return fail(this.tooLarge(target));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBytes) return fail(this.tooLarge(target));
          chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ bytes: Buffer.concat(chunks), contentType: String(res.headers['content-type'] ?? 'application/octet-stream') });
        });
        res.on('error', () => fail(new NetworkError('transient', `The download from ${target.host} was interrupted; will try again.`)));
      });
      const timer = setTimeout(
        () => fail(new NetworkError('transient', `The media link ${target.host} took too long to answer; will try again.`)),
        this.timeoutMs,
      );
      req.on('error', () => fail(new NetworkError('transient', `Could not reach the media link's server ${target.host}; will try again.`)));
      req.end();
    });
  }

  private tooLarge(target: URL): NetworkError {
    const mb = Math.round((this.maxBytes / (1024 * 1024)) * 10) / 10;
    return new NetworkError('content', `The media at ${target.href} is larger than the ${mb} MB limit.`);
  }
}

/** True for loopback, private, link-local, CGNAT, unique-local, unspecified, multicast and other reserved addresses. */
export function isForbiddenAddress(address: string): boolean {
  const ip = address.replace(/%.*$/, '');
  const kind = net.isIP(ip);
  if (kind === 4) return isForbiddenV4(ipv4ToInt(ip));
  if (kind === 6) return isForbiddenV6(ip);
  return true;
}

const V4_BLOCKS: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const V4_RANGES = V4_BLOCKS.map(([base, bits]) => {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { net: (ipv4ToInt(base) & mask) >>> 0, mask };
});

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

function isForbiddenV4(value: number): boolean {
  return V4_RANGES.some((r) => ((value & r.mask) >>> 0) === r.net);
}

/** Expands an IPv6 text form into its eight 16-bit groups. */
function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToInt(v4[1]);
    text = text.slice(0, -v4[1].length) + (n >>> 16).toString(16) + ':' + (n & 0xffff).toString(16);
  }
  const parse = (s: string): number[] => (s ? s.split(':').map((p) => parseInt(p, 16)) : []);
  if (!text.includes('::')) return parse(text);
  const [head, rest] = text.split('::');
  const left = parse(head);
  const right = parse(rest);
  return [...left, ...new Array<number>(Math.max(8 - left.length - right.length, 0)).fill(0), ...right];
}

function isForbiddenV6(ip: string): boolean {
  const g = ipv6Groups(ip);
  if (g.length !== 8) return true;
  const embeddedV4 = (hi: number, lo: number): number => ((hi << 16) | lo) >>> 0;
  if (g.every((x) => x === 0)) return true; // ::
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true; // ::1
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return isForbiddenV4(embeddedV4(g[6], g[7])); // mapped / compatible
  if (g[0] === 0x64 && g[1] === 0xff9b) return isForbiddenV4(embeddedV4(g[6], g[7])); // NAT64
  if (g[0] === 0x2002) return isForbiddenV4(embeddedV4(g[1], g[2])); // 6to4
  if ((g[0] & 0xfe00) === 0xfc00) return true; // unique-local fc00::/7
  if ((g[0] & 0xffc0) === 0xfe80 || (g[0] & 0xffc0) === 0xfec0) return true; // link-local, old site-local
  if ((g[0] & 0xff00) === 0xff00) return true; // multicast
  if (g[0] === 0x2001 && g[1] === 0x0db8) return true; // documentation
  if (g[0] === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return true; // discard-only
  return false;
}

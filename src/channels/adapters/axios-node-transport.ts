import axios, { AxiosAdapter, AxiosError, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { KeepAliveAgents, keepAliveAgents } from './keep-alive-agents';

/**
 * An axios adapter (axios' documented `adapter` option) that sends the adapters' plain requests
 * straight through node:http, and hands every other request to axios' own Node adapter.
 *
 * Why: a release is thousands of small JSON or form POSTs, and on the 2-core machines axios' Node
 * adapter cost about 100 µs of CPU per request on top of node:http itself (bench/publish). axios
 * still does everything above the transport: config merging, headers, request and response
 * transforms, validateStatus, and AxiosError with the same `code`s (ECONNABORTED on timeout,
 * ECONNRESET, ECONNREFUSED…) that the adapters' error rules read.
 *
 * "Plain" means: a body that is already a string or Buffer after axios' transforms (JSON and
 * URLSearchParams are), or none; no query `params`; no proxy (`proxy: false`, or no proxy variable
 * in the environment, read once); no redirects to follow (`maxRedirects: 0`, which every adapter
 * sets); no streams, progress callbacks, cancel signals, rate limits, auth or socket paths.
 * Anything else (a FormData media upload, a timeline read with params, a deployment behind a
 * proxy…) goes to axios' adapter unchanged.
 *
 * Differences from axios' adapter on the plain path, on purpose: it asks for no compression
 * (Accept-Encoding is not set, so servers answer identity; a compressed answer is still decoded),
 * and the request timeout is the socket's inactivity timeout, as axios' own is.
 */
export function nodeTransport(agents: KeepAliveAgents): AxiosAdapter {
  const fallback = axios.getAdapter('http');
  const proxyInEnvironment = PROXY_VARIABLES.some((name) => Boolean(process.env[name]));
  return (config) => (isPlain(config, proxyInEnvironment) ? send(config, agents) : fallback(config));
}

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'npm_config_proxy', 'npm_config_http_proxy', 'npm_config_https_proxy'];
const ABSOLUTE_URL = /^[a-z][a-z\d+\-.]*:\/\//i;
const USER_AGENT = `axios/${axios.VERSION}`;

function isPlain(config: InternalAxiosRequestConfig, proxyInEnvironment: boolean): boolean {
  const data: unknown = config.data;
  const body = data === undefined || data === null || typeof data === 'string' || Buffer.isBuffer(data);
  const proxy = config.proxy === false || (config.proxy === undefined && !proxyInEnvironment);
  const responseType = config.responseType ?? 'json';
  return (
    body &&
    proxy &&
    config.maxRedirects === 0 &&
    !config.params &&
    (responseType === 'json' || responseType === 'text') &&
    !config.onUploadProgress &&
    !config.onDownloadProgress &&
    !config.signal &&
    !config.cancelToken &&
    !config.auth &&
    !config.socketPath &&
    !config.maxRate &&
    (config.allowAbsoluteUrls ?? true)
  );
}

function fullUrl(config: InternalAxiosRequestConfig): URL {
  const path = config.url ?? '';
  if (!config.baseURL || ABSOLUTE_URL.test(path)) return new URL(path);
  return new URL(path ? `${config.baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}` : config.baseURL);
}

function send(config: InternalAxiosRequestConfig, agents: KeepAliveAgents): Promise<AxiosResponse> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = fullUrl(config);
    } catch (err) {
      reject(AxiosError.from(err as Error, AxiosError.ERR_INVALID_URL, config));
      return;
    }
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      reject(new AxiosError(`Unsupported protocol ${url.protocol}`, AxiosError.ERR_BAD_REQUEST, config));
      return;
    }
    const body = typeof config.data === 'string' ? Buffer.from(config.data, 'utf8') : (config.data as Buffer | undefined | null) ?? undefined;
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT };
    for (const [name, value] of Object.entries(config.headers.toJSON(true) as Record<string, unknown>)) {
      if (value !== undefined && value !== null && value !== false) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    if (body) headers['Content-Length'] = String(body.length);
    const maxBody = config.maxContentLength ?? -1;

    const req = (secure ? https : http).request(
      url,
      { method: (config.method ?? 'get').toUpperCase(), headers, agent: secure ? agents.httpsAgent : agents.httpAgent },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (maxBody > -1 && size > maxBody) {
            req.destroy();
            reject(new AxiosError(`maxContentLength size of ${maxBody} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, req));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (err) => reject(AxiosError.from(err, undefined, config, req)));
        res.on('end', () => {
          let raw: Buffer;
          try {
            raw = decode(Buffer.concat(chunks), res.headers['content-encoding']);
          } catch (err) {
            reject(AxiosError.from(err as Error, AxiosError.ERR_BAD_RESPONSE, config, req));
            return;
          }
          const response: AxiosResponse = {
            data: raw.toString('utf8'),
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            config,
            request: req,
          };
          settle(response, resolve, reject);
        });
      },
    );
    if (config.timeout) {
      req.setTimeout(config.timeout, () => {
        const code = config.transitional?.clarifyTimeoutError ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED;
        reject(new AxiosError(config.timeoutErrorMessage ?? `timeout of ${config.timeout}ms exceeded`, code, config, req));
        req.destroy();
      });
    }
    req.on('error', (err) => reject(AxiosError.from(err, undefined, config, req)));
    req.end(body);
  });
}

/** axios' rule: validateStatus decides; a refused status is an AxiosError carrying the response. */
function settle(response: AxiosResponse, resolve: (r: AxiosResponse) => void, reject: (e: unknown) => void): void {
  const validate = response.config.validateStatus;
  if (!response.status || !validate || validate(response.status)) {
    resolve(response);
    return;
  }
  const code = response.status >= 400 && response.status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE;
  reject(new AxiosError(`Request failed with status code ${response.status}`, code, response.config, response.request, response));
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case '':
    case 'identity':
      return body;
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(body);
    case 'deflate':
      return zlib.inflateSync(body);
    case 'br':
      return zlib.brotliDecompressSync(body);
    default:
      throw new Error(`Unsupported content-encoding ${encoding}`);
  }
}

/** What every network adapter's `axios.create()` spreads in: keep-alive agents, and this transport over them. */
export function axiosTransportOptions(): KeepAliveAgents & { adapter: AxiosAdapter } {
  const agents = keepAliveAgents();
  return { ...agents, adapter: nodeTransport(agents) };
}

import axios, { AxiosError, AxiosInstance } from 'axios';
import http from 'node:http';
import net from 'node:net';
import { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { axiosTransportOptions } from './axios-node-transport';
import { AXIOS_SOCKET_KEEPALIVE_MS } from './keep-alive-agents';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The client's port: one per socket. */
  remotePort: number;
}

/** A real local HTTP server whose answer each test sets, recording what it received. */
class Server {
  readonly seen: Seen[] = [];
  answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  };
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString(), remotePort: req.socket.remotePort! });
      this.answer(req, res);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('axios node transport', () => {
  let server: Server;
  let base: string;
  let client: AxiosInstance;

  beforeEach(async () => {
    server = new Server();
    base = await server.start();
    client = axios.create({ baseURL: base, timeout: 2_000, maxRedirects: 0, validateStatus: () => true, ...axiosTransportOptions() });
  });

  afterEach(async () => {
    await server.close();
  });

  it('sends a JSON body with its length and axios headers, and gives axios the parsed answer', async () => {
    const res = await client.post('/api/v1/statuses', { status: 'Bonjour à tous', visibility: 'public' }, { headers: { Authorization: 'Bearer t', 'Idempotency-Key': 'k1' } });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ ok: true });
    const [seen] = server.seen;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/api/v1/statuses');
    expect(JSON.parse(seen.body)).toEqual({ status: 'Bonjour à tous', visibility: 'public' });
    expect(Number(seen.headers['content-length'])).toBe(Buffer.byteLength(seen.body));
    expect(seen.headers['content-type']).toMatch(/^application\/json/);
    expect(seen.headers.authorization).toBe('Bearer t');
    expect(seen.headers['idempotency-key']).toBe('k1');
    expect(seen.headers['user-agent']).toBe(`axios/${axios.VERSION}`);
    // The plain path asks for no compression (axios' own adapter always does).
    expect(seen.headers['accept-encoding']).toBeUndefined();
  });

  it('sends URLSearchParams as a form on the plain path', async () => {
    await client.post('/v20.0/123/feed', new URLSearchParams({ message: 'salut', access_token: 'x' }));
    expect(server.seen[0].body).toBe('message=salut&access_token=x');
    expect(server.seen[0].headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(server.seen[0].headers['accept-encoding']).toBeUndefined();
  });

  it('hands requests with query params, and FormData uploads, to axios’ own adapter', async () => {
    await client.get('/api/v1/accounts/1/statuses', { params: { limit: 40, max_id: '9' } });
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('png')], { type: 'image/png' }), 'image');
    await client.post('/api/v2/media', form);
    expect(server.seen[0].url).toBe('/api/v1/accounts/1/statuses?limit=40&max_id=9');
    expect(server.seen[1].headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(server.seen[1].body).toContain('png');
    for (const s of server.seen) expect(s.headers['accept-encoding']).toBeDefined();
  });

  it('reads compressed answers', async () => {
    server.answer = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('content-encoding', 'gzip');
      res.end(zlib.gzipSync('{"id":"42"}'));
    };
    expect((await client.get('/x')).data).toEqual({ id: '42' });
  });

  it('applies validateStatus as axios does: a refused status is an AxiosError carrying the response', async () => {
    const strict = axios.create({ baseURL: base, maxRedirects: 0, ...axiosTransportOptions() });
    server.answer = (_req, res) => {
      res.statusCode = 400;
      res.setHeader('content-type', 'application/json');
      res.end('{"error":{"code":190}}');
    };
    const err = await strict.post('/feed', 'a=b').catch((e: unknown) => e);
    expect(axios.isAxiosError(err)).toBe(true);
    expect((err as AxiosError).code).toBe(AxiosError.ERR_BAD_REQUEST);
    expect((err as AxiosError).response?.status).toBe(400);
    expect((err as AxiosError).response?.data).toEqual({ error: { code: 190 } });
  });

  it('times out with ECONNABORTED, as axios does', async () => {
    server.answer = () => undefined;
    const quick = axios.create({ baseURL: base, timeout: 100, maxRedirects: 0, ...axiosTransportOptions() });
    const err = await quick.post('/slow', { a: 1 }).catch((e: unknown) => e);
    expect(axios.isAxiosError(err)).toBe(true);
    expect((err as AxiosError).code).toBe('ECONNABORTED');
  });

  it('reports a reset connection with the socket error code', async () => {
    server.answer = (req) => req.socket.destroy();
    const err = await client.post('/reset', { a: 1 }).catch((e: unknown) => e);
    expect(axios.isAxiosError(err)).toBe(true);
    expect((err as AxiosError).code).toBe('ECONNRESET');
  });

  it('reports a refused connection with ECONNREFUSED', async () => {
    const closed = new Server();
    const url = await closed.start();
    await closed.close();
    const err = await client.post(`${url}/x`, { a: 1 }).catch((e: unknown) => e);
    expect((err as AxiosError).code).toBe('ECONNREFUSED');
  });

  it('keeps the socket option unchanged across requests on one kept-alive socket', async () => {
    // Node's agent and axios' adapter both set TCP keep-alive on a socket; with different delays
    // every request changed the option back and forth (system calls on each request).
    const delays: number[] = [];
    const original = net.Socket.prototype.setKeepAlive;
    const spy = jest.spyOn(net.Socket.prototype, 'setKeepAlive').mockImplementation(function (this: net.Socket, enable?: boolean, delay?: number) {
      delays.push(delay ?? 0);
      return original.call(this, enable, delay);
    });
    try {
      await client.post('/a', { n: 1 });
      await client.get('/b', { params: { page: 2 } }); // axios' own adapter
      await client.post('/c', { n: 3 });
    } finally {
      spy.mockRestore();
    }
    expect(delays.length).toBeGreaterThan(0);
    expect(new Set(delays)).toEqual(new Set([AXIOS_SOCKET_KEEPALIVE_MS]));
    // One socket served all three (it was kept alive).
    expect(new Set(server.seen.map((s) => s.remotePort)).size).toBe(1);
  });
});

describe('axios node transport behind a proxy', () => {
  const saved = process.env.HTTP_PROXY;
  afterEach(() => {
    if (saved === undefined) delete process.env.HTTP_PROXY;
    else process.env.HTTP_PROXY = saved;
  });

  it('leaves every request to axios’ adapter when the environment names a proxy', async () => {
    const proxy = new Server();
    const proxyUrl = await proxy.start();
    // The target is a closed local port: sent directly, the request would be refused.
    const closed = new Server();
    const target = await closed.start();
    await closed.close();
    try {
      process.env.HTTP_PROXY = proxyUrl;
      const client = axios.create({ maxRedirects: 0, validateStatus: () => true, ...axiosTransportOptions() });
      const res = await client.post(`${target}/api/v1/statuses`, { status: 'x' });
      // The request went to the proxy, with the target as an absolute URL.
      expect(res.data).toEqual({ ok: true });
      expect(proxy.seen[0].url).toBe(`${target}/api/v1/statuses`);
    } finally {
      await proxy.close();
    }
  });
});

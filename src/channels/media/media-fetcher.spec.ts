import http from 'node:http';
import { AddressInfo } from 'node:net';
import { NetworkError } from '../adapters/network-adapter';
import { HttpMediaFetcher, isForbiddenAddress } from './media-fetcher';

async function expectNetworkError(promise: Promise<unknown>, kind: NetworkError['kind'], message?: RegExp): Promise<NetworkError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NetworkError);
  const ne = err as NetworkError;
  expect(ne.kind).toBe(kind);
  if (message) expect(ne.message).toMatch(message);
  return ne;
}

describe('HttpMediaFetcher', () => {
  let server: http.Server;
  let base = '';
  const image = Buffer.alloc(3000, 7);

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/image.png') {
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length });
        res.end(image);
      } else if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000, 1));
        res.end();
      } else if (req.url === '/to-ftp') {
        res.writeHead(302, { location: 'ftp://example.com/x.png' });
        res.end();
      } else if (req.url === '/to-image') {
        res.writeHead(301, { location: '/image.png' });
        res.end();
      } else if (req.url === '/missing') {
        res.writeHead(404);
        res.end();
      } else {
        res.writeHead(503);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each(['http://127.0.0.1/x.png', 'http://10.0.0.1/x.png', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/x', 'http://[fd00::1]/x', 'http://100.64.1.1/x'])(
    'refuses the private or reserved address %s',
    async (url) => {
      await expectNetworkError(new HttpMediaFetcher().fetch(url), 'content', /private or reserved/);
    },
  );

  it('refuses non-http schemes', async () => {
    await expectNetworkError(new HttpMediaFetcher().fetch('ftp://example.com/a.png'), 'content', /http:\/\/ or https:\/\//);
    await expectNetworkError(new HttpMediaFetcher().fetch('file:///etc/passwd'), 'content', /http:\/\/ or https:\/\//);
  });

  it('refuses a name that resolves to a private address, even if another address is public', async () => {
    const fetcher = new HttpMediaFetcher({ lookup: async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.1.2.3', family: 4 }] });
    await expectNetworkError(fetcher.fetch('http://media.example/x.png'), 'content', /private or reserved/);
  });

  it('downloads from a local server when private hosts are allowed', async () => {
    const got = await new HttpMediaFetcher({ allowPrivateHosts: true }).fetch(`${base}/image.png`);
    expect(got.contentType).toBe('image/png');
    expect(got.bytes.equals(image)).toBe(true);
  });

  it('connects to the address it checked, keeping the Host header', async () => {
    const fetcher = new HttpMediaFetcher({ allowPrivateHosts: true, lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    const port = new URL(base).port;
    const got = await fetcher.fetch(`http://media.example:${port}/image.png`);
    expect(got.bytes.length).toBe(image.length);
  });

  it('refuses oversize media, declared or streamed', async () => {
    const fetcher = new HttpMediaFetcher({ allowPrivateHosts: true, maxBytes: 2048 });
    await expectNetworkError(fetcher.fetch(`${base}/image.png`), 'content', /larger than/);
    await expectNetworkError(fetcher.fetch(`${base}/chunked`), 'content', /larger than/);
  });

  it('checks every redirect hop', async () => {
    const fetcher = new HttpMediaFetcher({ allowPrivateHosts: true });
    await expectNetworkError(fetcher.fetch(`${base}/to-ftp`), 'content', /http:\/\/ or https:\/\//);
    expect((await fetcher.fetch(`${base}/to-image`)).bytes.length).toBe(image.length);
  });

  it('classifies 4xx as content and 5xx or refused connections as transient', async () => {
    const fetcher = new HttpMediaFetcher({ allowPrivateHosts: true });
    await expectNetworkError(fetcher.fetch(`${base}/missing`), 'content', /404/);
    await expectNetworkError(fetcher.fetch(`${base}/boom`), 'transient');
    await expectNetworkError(fetcher.fetch('http://127.0.0.1:1/x.png'), 'transient');
  });

  it('classifies addresses', () => {
    for (const a of ['0.0.0.0', '172.16.5.4', '192.168.1.1', '224.0.0.1', '::', '::ffff:127.0.0.1', 'fe80::1', 'ff02::1', '64:ff9b::a00:1']) {
      expect([a, isForbiddenAddress(a)]).toEqual([a, true]);
    }
    for (const a of ['93.184.216.34', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect([a, isForbiddenAddress(a)]).toEqual([a, false]);
    }
  });
});

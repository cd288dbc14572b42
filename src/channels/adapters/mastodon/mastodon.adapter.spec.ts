import { MastodonEmulator } from '../../../../test/emulators/mastodon.emulator';
import { MediaFetcher } from '../../media/media-fetcher.types';
import { ChannelContext, NetworkError, PublishRequest } from '../network-adapter';
import { MastodonAdapter } from './mastodon.adapter';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const fetcher: MediaFetcher = { fetch: async () => ({ bytes: png, contentType: 'image/png' }) };

async function failure(promise: Promise<unknown>): Promise<NetworkError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(NetworkError);
  return err as NetworkError;
}

describe('MastodonAdapter against the Mastodon emulator', () => {
  let now = Date.parse('2024-06-01T12:00:00.000Z');
  const emulator = new MastodonEmulator({
    accounts: [
      { id: '101', username: 'petitscommerces', token: 'tok-101', followers: 821, statuses: 40 },
      { id: '102', username: 'tudigo', token: 'tok-102', followers: 12 },
    ],
    mediaProcessingPolls: 2,
    clock: () => now,
  });
  const adapter = new MastodonAdapter({ mediaFetcher: fetcher, timeoutMs: 300, mediaPollIntervalMs: 0 });
  let channel: ChannelContext;
  let n = 0;
  const request = (over: Partial<PublishRequest> = {}): PublishRequest => ({
    deliveryId: `d-${++n}`,
    idempotencyKey: `key-${n}`,
    text: `Rendez-vous au marché Dejean 🥕 & <chez nous> n°${n}`,
    media: [],
    link: 'https://costo.example/agenda?utm_source=mastodon&utm_medium=social',
    ...over,
  });

  beforeAll(async () => {
    await emulator.start();
    channel = {
      channelId: 'ch-1',
      network: 'mastodon',
      handle: '@petitscommerces',
      externalId: '101',
      instanceUrl: emulator.url,
      credentials: { accessToken: 'tok-101' },
    };
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.clearFaults();
    now += 60_000;
  });

  it('publishes with the Idempotency-Key and the approved text as it is (the link is not appended again)', async () => {
    const req = request();
    const before = emulator.requests.length;
    const post = await adapter.publish(channel, req);
    const sent = emulator.requests.slice(before).find((r) => r.path === '/api/v1/statuses')!;
    expect(sent.headers['idempotency-key']).toBe(req.idempotencyKey);
    expect(sent.headers.authorization).toBe('Bearer tok-101');
    expect(sent.body).toEqual({ status: req.text, visibility: 'public', media_ids: [] });
    const stored = emulator.posts.find((p) => p.id === post.externalId)!;
    expect(stored.accountId).toBe('101');
    expect(post.url).toBe(`${emulator.url}/@petitscommerces/${post.externalId}`);
    expect(post.publishedAt.getTime()).toBe(now);
  });

  it('waits across attempts for slow processing without ever uploading the same file twice', async () => {
    const slow = await new MastodonEmulator({ accounts: [{ id: '201', username: 'lent', token: 'tok-201' }], mediaProcessingPolls: 4 }).start();
    try {
      // A wait shorter than the instance needs: each attempt gives up after one look, like an attempt cut short by a crash.
      const impatient = new MastodonAdapter({ mediaFetcher: fetcher, timeoutMs: 300, mediaPollIntervalMs: 0, mediaWaitMs: 1 });
      const on: ChannelContext = { ...channel, channelId: 'ch-slow', externalId: '201', handle: '@lent', instanceUrl: slow.url, credentials: { accessToken: 'tok-201' } };
      const req = request({ media: [{ url: 'https://cdn.example/film.mp4', type: 'video' }] });
      const first = await failure(impatient.publish(on, req));
      expect(first).toMatchObject({ kind: 'transient', options: { maybeCommitted: false } });
      let post;
      for (let attempt = 0; attempt < 10 && !post; attempt++) {
        post = await impatient.publish(on, req).catch((err: unknown) => {
          if (!(err instanceof NetworkError) || err.kind !== 'transient') throw err;
          return undefined;
        });
      }
      expect(post).toBeDefined();
      expect(slow.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/media')).toHaveLength(1);
      expect(slow.posts).toHaveLength(1);
      expect(slow.posts[0].extra?.mediaIds).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it('uploads media with its alt text, waits for processing, then attaches it', async () => {
    const before = emulator.requests.length;
    const post = await adapter.publish(channel, request({ media: [{ url: 'https://cdn.example/a.png', altText: 'Vitrine de la boutique', type: 'image' }] }));
    const calls = emulator.requests.slice(before);
    expect(calls.map((c) => `${c.method} ${c.path.replace(/\d{6,}/, ':id')}`)).toEqual([
      'POST /api/v2/media',
      'GET /api/v1/media/:id', // 206, still processing
      'GET /api/v1/media/:id', // 206
      'GET /api/v1/media/:id', // 200, ready
      'POST /api/v1/statuses',
    ]);
    const upload = calls[0];
    expect(String(upload.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect((upload.body as Buffer).toString('latin1')).toContain('Vitrine de la boutique');
    const stored = emulator.posts.find((p) => p.id === post.externalId)!;
    expect((stored.extra?.mediaIds as string[]).length).toBe(1);
  });

  it('replays the same Idempotency-Key into the same status, and a new one once the key has expired', async () => {
    const req = request();
    const first = await adapter.publish(channel, req);
    const again = await adapter.publish(channel, req);
    expect(again.externalId).toBe(first.externalId);
    expect(emulator.posts.filter((p) => p.extra?.idempotencyKey === req.idempotencyKey)).toHaveLength(1);
    emulator.expireIdempotencyKeys();
    const later = await adapter.publish(channel, req);
    expect(later.externalId).not.toBe(first.externalId);
  });

  it('maps 429 to rate_limited with the ISO 8601 reset', async () => {
    emulator.inject({ kind: 'rate_limit', resetInSeconds: 900 });
    const err = await failure(adapter.publish(channel, request()));
    expect(err.kind).toBe('rate_limited');
    expect(err.options.retryAt?.getTime()).toBe(now + 900_000);
  });

  it.each([
    ['expired_token', /expired/],
    ['revoked_token', /revoked/],
  ])('maps %s to auth', async (kind, message) => {
    emulator.inject({ kind });
    const err = await failure(adapter.publish(channel, request()));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('tok-101');
  });

  it('maps an unknown token to auth', async () => {
    const err = await failure(adapter.readFollowers({ ...channel, credentials: { accessToken: 'nope' } }));
    expect(err.kind).toBe('auth');
    expect(err.options.httpStatus).toBe(401);
  });

  it('maps 422 to content with the server message', async () => {
    const err = await failure(adapter.publish(channel, request({ text: 'x'.repeat(501), link: null })));
    expect(err.kind).toBe('content');
    expect(err.message).toContain('character limit of 500 exceeded');
  });

  it.each([
    [{ kind: 'server_error' }, 503],
    [{ kind: 'server_error', status: 502, html: true }, 502],
  ])('maps %j to transient, maybe committed on a create', async (fault, status) => {
    emulator.inject(fault);
    const err = await failure(adapter.publish(channel, request()));
    expect(err.kind).toBe('transient');
    expect(err.options.httpStatus).toBe(status);
    expect(err.options.maybeCommitted).toBe(true);
  });

  it('finds a post committed before a 5xx, and nothing for one that never went out', async () => {
    const since = new Date(now - 1000);
    const req = request();
    emulator.inject({ kind: 'server_error_after_commit' });
    const err = await failure(adapter.publish(channel, req));
    expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
    const stored = emulator.posts.filter((p) => p.extra?.idempotencyKey === req.idempotencyKey);
    expect(stored).toHaveLength(1);
    const found = await adapter.findPublished(channel, req, since);
    expect(found?.externalId).toBe(stored[0].id);
    expect(await adapter.findPublished(channel, request(), since)).toBeNull();
  });

  it('does not match a post older than `since`', async () => {
    const req = request();
    await adapter.publish(channel, req);
    now += 3_600_000;
    expect(await adapter.findPublished(channel, req, new Date(now))).toBeNull();
  });

  it('maps connection resets on the create to transient, maybe committed', async () => {
    const before = emulator.posts.length;
    emulator.inject({ kind: 'connection_reset' });
    expect(await failure(adapter.publish(channel, request()))).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
    expect(emulator.posts.length).toBe(before);

    const req = request();
    emulator.inject({ kind: 'connection_reset', afterCommit: true });
    expect(await failure(adapter.publish(channel, req))).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
    expect((await adapter.findPublished(channel, req, new Date(now - 1000)))?.externalId).toBe(emulator.posts[emulator.posts.length - 1].id);
  });

  it('maps a hang to transient after the timeout', async () => {
    emulator.inject({ kind: 'hang', ms: 5000 });
    const err = await failure(adapter.publish(channel, request()));
    expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
    expect(err.message).toMatch(/too long/);
  });

  it('reads followers and statuses from verify_credentials', async () => {
    emulator.followers.set('102', 57);
    const other: ChannelContext = { ...channel, channelId: 'ch-2', externalId: '102', credentials: { accessToken: 'tok-102' } };
    expect(await adapter.readFollowers(other)).toEqual({ followers: 57, posts: 0 });
    const mine = await adapter.readFollowers(channel);
    expect(mine.followers).toBe(821);
    expect(mine.posts).toBe(40 + emulator.posts.filter((p) => p.accountId === '101').length);
  });
});

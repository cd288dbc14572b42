import { BlueskyEmulator } from '../../../../test/emulators/bluesky.emulator';
import { MediaFetcher } from '../../media/media-fetcher.types';
import { ChannelContext, NetworkError, PublishRequest } from '../network-adapter';
import { BlueskyAdapter } from './bluesky.adapter';
import { buildFacets, findLinks } from './bluesky-facets';
import { rkeyFor, TID_SYNTAX } from './bluesky-rkey';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const fetcher: MediaFetcher = { fetch: async () => ({ bytes: png, contentType: 'image/png' }) };
const DID = 'did:plc:petitscommerces0000000000';

async function failure(promise: Promise<unknown>): Promise<NetworkError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(NetworkError);
  return err as NetworkError;
}

describe('Bluesky record keys and facets', () => {
  it('derives a stable TID-syntax rkey from the idempotency key', () => {
    const a = rkeyFor('delivery-1:v1');
    expect(a).toMatch(TID_SYNTAX);
    expect(rkeyFor('delivery-1:v1')).toBe(a);
    expect(rkeyFor('delivery-2:v1')).not.toBe(a);
  });

  it('counts facet offsets in UTF-8 bytes and trims punctuation after links', async () => {
    const text = 'Café 🥕 https://costo.example/a?b=1. Merci @tudigo.bsky.social et @inconnu.example !';
    const facets = await buildFacets(text, async (h) => (h === 'tudigo.bsky.social' ? 'did:plc:tudigo' : null));
    // "Café " is 6 bytes (é is 2), "🥕 " is 5 bytes: the link starts at byte 11, not UTF-16 index 8.
    expect(facets).toEqual([
      { index: { byteStart: 11, byteEnd: 11 + 'https://costo.example/a?b=1'.length }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://costo.example/a?b=1' }] },
      { index: { byteStart: 46, byteEnd: 46 + '@tudigo.bsky.social'.length }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:tudigo' }] },
    ]);
    expect(Buffer.from(text).subarray(46, 65).toString()).toBe('@tudigo.bsky.social');
    expect(findLinks('(see https://x.example/a_(b))').map((l) => l.value)).toEqual(['https://x.example/a_(b)']);
  });
});

describe('BlueskyAdapter against the Bluesky emulator', () => {
  let now = Date.parse('2024-06-01T12:00:00.000Z');
  const emulator = new BlueskyEmulator({
    accounts: [
      { did: DID, handle: 'petitscommerces.bsky.social', password: 'app-pass-1', followers: 310, posts: 12 },
      { did: 'did:plc:tudigo', handle: 'tudigo.bsky.social', password: 'app-pass-2', followers: 44 },
    ],
    clock: () => now,
  });
  let adapter: BlueskyAdapter;
  let channel: ChannelContext;
  let n = 0;
  const request = (over: Partial<PublishRequest> = {}): PublishRequest => ({
    deliveryId: `d-${++n}`,
    idempotencyKey: `bsky-key-${n}-${Math.random()}`,
    text: `Balade 🚶 avec @tudigo.bsky.social n°${n}`,
    media: [],
    link: 'https://costo.example/balade',
    ...over,
  });
  const calls = (since: number): string[] => emulator.requests.slice(since).map((r) => r.path.replace('/xrpc/', ''));

  beforeAll(async () => {
    await emulator.start();
    channel = {
      channelId: 'bsky-1',
      network: 'bluesky',
      handle: 'petitscommerces.bsky.social',
      externalId: DID,
      instanceUrl: null,
      credentials: { identifier: 'petitscommerces.bsky.social', appPassword: 'app-pass-1' },
    };
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.clearFaults();
    now += 60_000;
    adapter = new BlueskyAdapter({ baseUrl: emulator.url, mediaFetcher: fetcher, timeoutMs: 300 });
  });

  it('signs in once, then creates the record at the pre-chosen rkey with byte-offset facets', async () => {
    const req = request({ text: `Balade 🚶 avec @tudigo.bsky.social n°${n + 1}\nhttps://costo.example/balade` });
    const before = emulator.requests.length;
    const post = await adapter.publish(channel, req);
    expect(calls(before)).toEqual(['com.atproto.server.createSession', 'com.atproto.identity.resolveHandle', 'com.atproto.repo.createRecord']);
    const create = emulator.requests[emulator.requests.length - 1];
    const body = create.body as { repo: string; rkey: string; record: { text: string; facets: Array<{ index: { byteStart: number; byteEnd: number } }> } };
    expect(create.headers.authorization).toMatch(/^Bearer emu-access\./);
    expect(body.repo).toBe(DID);
    expect(body.rkey).toBe(rkeyFor(req.idempotencyKey));
    // The approved text goes out as it is: its link is not appended a second time.
    const text = req.text;
    expect(body.record.text).toBe(text);
    const bytes = Buffer.from(text);
    const slices = body.record.facets.map((f) => bytes.subarray(f.index.byteStart, f.index.byteEnd).toString());
    expect(slices).toEqual(['@tudigo.bsky.social', 'https://costo.example/balade']);
    expect(post.externalId).toBe(`at://${DID}/app.bsky.feed.post/${body.rkey}`);
    expect(post.url).toBe(`https://bsky.app/profile/petitscommerces.bsky.social/post/${body.rkey}`);

    const again = emulator.requests.length;
    await adapter.publish(channel, request());
    expect(calls(again)).not.toContain('com.atproto.server.createSession');
  });

  it('skips the mention facet when the handle does not resolve', async () => {
    const post = await adapter.publish(channel, request({ text: 'Avec @nobody.example', link: null }));
    const stored = emulator.posts.find((p) => p.id === post.externalId)!;
    expect(stored.extra?.facets).toBeUndefined();
  });

  it('uploads images as blobs with alt text', async () => {
    const post = await adapter.publish(channel, request({ media: [{ url: 'https://cdn.example/a.png', altText: 'Le marché', type: 'image' }] }));
    const upload = emulator.requests.find((r) => r.path.endsWith('uploadBlob'))!;
    expect(upload.headers['content-type']).toBe('image/png');
    const embed = emulator.posts.find((p) => p.id === post.externalId)!.extra?.embed as { images: Array<{ alt: string; image: { mimeType: string } }> };
    expect(embed.images).toEqual([{ alt: 'Le marché', image: expect.objectContaining({ $type: 'blob', mimeType: 'image/png', size: png.length }) }]);
  });

  it('refreshes the session on ExpiredToken and retries once', async () => {
    await adapter.readFollowers(channel);
    emulator.expireAccessTokens();
    const before = emulator.requests.length;
    const post = await adapter.publish(channel, request());
    expect(calls(before)).toEqual([
      'com.atproto.identity.resolveHandle',
      'com.atproto.repo.createRecord', // 400 ExpiredToken
      'com.atproto.server.refreshSession',
      'com.atproto.repo.createRecord',
    ]);
    expect(emulator.posts.filter((p) => p.id === post.externalId)).toHaveLength(1);
  });

  it('falls back to the app password when the refresh token is revoked, and gives auth when that fails too', async () => {
    await adapter.readFollowers(channel);
    emulator.expireAccessTokens();
    emulator.revokeRefreshTokens();
    await adapter.readFollowers(channel);
    expect(emulator.requests.slice(-3).map((r) => r.path)).toContain('/xrpc/com.atproto.server.createSession');

    emulator.expireAccessTokens();
    emulator.revokeRefreshTokens();
    emulator.setPassword(DID, 'rotated');
    try {
      const err = await failure(adapter.publish(channel, request()));
      expect(err.kind).toBe('auth');
      expect(err.message).not.toMatch(/app-pass-1|emu-access|emu-refresh/);
    } finally {
      emulator.setPassword(DID, 'app-pass-1');
    }
  });

  it('maps InvalidToken to auth without retrying', async () => {
    emulator.inject({ kind: 'revoked_token' });
    const err = await failure(adapter.publish(channel, request()));
    expect(err).toMatchObject({ kind: 'auth', options: { networkCode: 'InvalidToken', httpStatus: 400 } });
  });

  it('maps a wrong app password to auth', async () => {
    const err = await failure(adapter.readFollowers({ ...channel, channelId: 'bsky-x', credentials: { appPassword: 'wrong' } }));
    expect(err).toMatchObject({ kind: 'auth', options: { networkCode: 'AuthenticationRequired', httpStatus: 401 } });
  });

  it('maps 429 to rate_limited at ratelimit-reset', async () => {
    await adapter.readFollowers(channel);
    emulator.inject({ kind: 'rate_limit', resetInSeconds: 1800 });
    const err = await failure(adapter.publish(channel, request()));
    expect(err.kind).toBe('rate_limited');
    expect(err.options.retryAt?.getTime()).toBe((Math.ceil(now / 1000) + 1800) * 1000);
  });

  it('maps an invalid record to content', async () => {
    const err = await failure(adapter.publish(channel, request({ text: 'é'.repeat(301), link: null })));
    expect(err.kind).toBe('content');
    expect(err.message).toMatch(/300 graphemes/);
  });

  it('maps a 5xx before commit to transient, not committed (getRecord shows nothing)', async () => {
    const req = request();
    emulator.inject({ kind: 'server_error', status: 503 });
    const err = await failure(adapter.publish(channel, req));
    expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: false, httpStatus: 503 } });
    expect(await adapter.findPublished(channel, req)).toBeNull();
  });

  it('recognises its own record after a 5xx that followed the commit', async () => {
    const req = request();
    emulator.inject({ kind: 'server_error_after_commit' });
    const post = await adapter.publish(channel, req);
    const stored = emulator.posts.filter((p) => p.extra?.rkey === rkeyFor(req.idempotencyKey));
    expect(stored).toHaveLength(1);
    expect(post.externalId).toBe(stored[0].id);
    expect((await adapter.findPublished(channel, req))?.externalId).toBe(stored[0].id);
  });

  it('after a reset past the commit: transient maybe committed, then found, and a retry does not post twice', async () => {
    const req = request();
    emulator.inject({ kind: 'connection_reset', afterCommit: true });
    const err = await failure(adapter.publish(channel, req));
    expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
    const found = await adapter.findPublished(channel, req);
    expect(found?.externalId).toBe(`at://${DID}/app.bsky.feed.post/${rkeyFor(req.idempotencyKey)}`);
    const before = emulator.requests.length;
    const retried = await adapter.publish(channel, req); // createRecord → 500 (rkey taken) → getRecord
    expect(calls(before)).toEqual(['com.atproto.identity.resolveHandle', 'com.atproto.repo.createRecord', 'com.atproto.repo.getRecord']);
    expect(retried.externalId).toBe(found?.externalId);
    expect(emulator.posts.filter((p) => p.id === found?.externalId)).toHaveLength(1);
  });

  it('maps a connection reset before the commit and a hang to transient, maybe committed', async () => {
    await adapter.readFollowers(channel);
    emulator.inject({ kind: 'connection_reset' });
    expect(await failure(adapter.publish(channel, request()))).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
    emulator.inject({ kind: 'hang', ms: 5000 });
    const err = await failure(adapter.publish(channel, request()));
    expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
    expect(err.message).toMatch(/too long/);
  });

  it('maps an HTML 502 from a proxy to transient', async () => {
    await adapter.readFollowers(channel);
    emulator.inject({ kind: 'server_error', status: 502, html: true }, 'any');
    const err = await failure(adapter.readFollowers(channel));
    expect(err).toMatchObject({ kind: 'transient', options: { httpStatus: 502, maybeCommitted: false } });
  });

  it('reads followers and posts from getProfile', async () => {
    emulator.followers.set(DID, 999);
    const reading = await adapter.readFollowers(channel);
    expect(reading.followers).toBe(999);
    expect(reading.posts).toBe(12 + emulator.posts.filter((p) => p.accountId === DID).length);
  });

  it('refreshCredentials returns the new tokens', async () => {
    await adapter.readFollowers(channel);
    const creds = await adapter.refreshCredentials(channel);
    expect(creds.accessToken).toMatch(/^emu-access\./);
    expect(creds.refreshToken).toMatch(/^emu-refresh\./);
    expect(creds.appPassword).toBe('app-pass-1');
    // The stored tokens work for a fresh adapter (another worker).
    const other = new BlueskyAdapter({ baseUrl: emulator.url, mediaFetcher: fetcher });
    const before = emulator.requests.length;
    await other.readFollowers({ ...channel, credentials: creds });
    expect(calls(before)).toEqual(['app.bsky.actor.getProfile']);
  });
});

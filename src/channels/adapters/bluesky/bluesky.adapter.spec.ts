import { lexicons } from '@atproto/api';
import { jsonToLex } from '@atproto/lexicon';
import { BlueskyEmulator, plcDid } from '../../../../test/emulators/bluesky.emulator';
import { HttpMediaFetcher } from '../../media/media-fetcher';
import { MediaFetcher } from '../../media/media-fetcher.types';
import { ChannelContext, NetworkError, PublishRequest } from '../network-adapter';
import { BlueskyAdapter } from './bluesky.adapter';
import { buildFacets, findLinks, findTags } from './bluesky-facets';
import { clockIdFor, parseTid, tidFor, TID_SYNTAX } from './bluesky-rkey';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const jpeg = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');
const PAGE = `<html><head><title>ignored</title><meta property="og:title" content="La balade &amp; le march&#233;">
<meta name="description" content="Inscriptions ouvertes"><meta property="og:image" content="/img/card.jpg"></head></html>`;
/** Serves images for any URL, an HTML page with a card image at https://costo.example/balade, and really fetches local emulators. */
const local = new HttpMediaFetcher({ allowPrivateHosts: true });
const fetcher: MediaFetcher = {
  fetch: async (url) => {
    if (url.startsWith('http://127.0.0.1:')) return local.fetch(url);
    if (url === 'https://costo.example/balade') return { bytes: Buffer.from(PAGE), contentType: 'text/html; charset=utf-8' };
    if (url === 'https://costo.example/img/card.jpg') return { bytes: jpeg, contentType: 'image/jpeg' };
    return { bytes: png, contentType: 'image/png' };
  },
};
const DID = plcDid('petitscommerces');
const TUDIGO = plcDid('tudigo');
const POST = 'app.bsky.feed.post';

/** Every record the emulator accepted, checked against the official lexicon too (not only the emulator's word). */
function assertRecordsValid(emulator: BlueskyEmulator): number {
  const records = emulator.posts.map((p) => p.extra?.record as Record<string, unknown>);
  for (const record of records) lexicons.assertValidRecord(POST, jsonToLex(record));
  return records.length;
}

async function failure(promise: Promise<unknown>): Promise<NetworkError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(NetworkError);
  return err as NetworkError;
}

describe('Bluesky record keys and facets', () => {
  it('makes TIDs of the given time that carry the delivery\'s clock id', () => {
    const at = Date.parse('2026-12-07T23:00:00.123Z');
    const a = tidFor('delivery-1', at);
    expect(a).toMatch(TID_SYNTAX);
    expect(parseTid(a)).toEqual({ atMs: at, clockId: clockIdFor('delivery-1') });
    expect(tidFor('delivery-1', at + 1) > a).toBe(true); // sortable by time
    expect(clockIdFor('delivery-1')).not.toBe(clockIdFor('delivery-2'));
    expect(parseTid('not-a-tid')).toBeNull();
  });

  it('finds hashtags as Bluesky does: no trailing punctuation, no digits-only tags, none inside words', () => {
    expect(findTags('#CoStoPack, #18e! #2026 mot#pas (#ok)').map((t) => t.value)).toEqual(['CoStoPack', '18e']);
    expect(findTags('＃Paris').map((t) => t.value)).toEqual(['Paris']);
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
      { did: TUDIGO, handle: 'tudigo.bsky.social', password: 'app-pass-2', followers: 44 },
    ],
    clock: () => now,
  });
  let adapter: BlueskyAdapter;
  let channel: ChannelContext;
  let n = 0;
  const request = (over: Partial<PublishRequest> = {}): PublishRequest => ({
    deliveryId: `d-${++n}`,
    idempotencyKey: `bsky-key-${n}`,
    text: `Balade 🚶 avec @tudigo.bsky.social n°${n} #CoStoPack https://costo.example/balade`,
    media: [],
    link: 'https://costo.example/balade',
    ...over,
  });
  const calls = (since: number): string[] => emulator.requests.slice(since).map((r) => r.path.replace('/xrpc/', ''));
  const make = (): BlueskyAdapter => new BlueskyAdapter({ baseUrl: emulator.url, plcDirectoryUrl: emulator.url, allowPrivateHosts: true, mediaFetcher: fetcher, timeoutMs: 300 });

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
  afterAll(async () => {
    expect(assertRecordsValid(emulator)).toBeGreaterThan(10);
    await emulator.close();
  });
  beforeEach(() => {
    emulator.clearFaults();
    now += 60_000;
    adapter = make();
  });

  it('finds the PDS from the DID document, signs in once, then sends the approved text with facets, langs and a link card', async () => {
    const req = request({ language: 'fr' });
    const before = emulator.requests.length;
    const startedAt = Date.now();
    const post = await adapter.publish(channel, req);
    expect(calls(before)).toEqual([
      `/${DID}`, // the PLC directory's DID document names the PDS
      'com.atproto.server.createSession',
      'com.atproto.identity.resolveHandle',
      'com.atproto.repo.uploadBlob', // the card's thumbnail
      'com.atproto.repo.createRecord',
    ]);
    const create = emulator.requests[emulator.requests.length - 1];
    const body = create.body as { repo: string; rkey: string; record: Record<string, unknown> & { text: string; facets: Array<{ index: { byteStart: number; byteEnd: number }; features: Array<Record<string, unknown>> }> } };
    expect(create.headers.authorization).toMatch(/^Bearer emu-access\./);
    expect(body.repo).toBe(DID);
    const tid = parseTid(body.rkey)!;
    expect(tid.clockId).toBe(clockIdFor(req.idempotencyKey));
    expect(tid.atMs).toBeGreaterThanOrEqual(startedAt);
    expect(tid.atMs).toBeLessThanOrEqual(Date.now());
    expect(body.record.text).toBe(req.text); // exactly the approved text, nothing appended
    expect(body.record.langs).toEqual(['fr']);
    const bytes = Buffer.from(req.text);
    const slices = body.record.facets.map((f) => bytes.subarray(f.index.byteStart, f.index.byteEnd).toString());
    expect(slices).toEqual(['@tudigo.bsky.social', '#CoStoPack', 'https://costo.example/balade']);
    expect(body.record.facets.map((f) => f.features[0])).toEqual([
      { $type: 'app.bsky.richtext.facet#mention', did: TUDIGO },
      { $type: 'app.bsky.richtext.facet#tag', tag: 'CoStoPack' },
      { $type: 'app.bsky.richtext.facet#link', uri: 'https://costo.example/balade' },
    ]);
    expect(body.record.embed).toEqual({
      $type: 'app.bsky.embed.external',
      external: {
        uri: req.link,
        title: 'La balade & le marché',
        description: 'Inscriptions ouvertes',
        thumb: expect.objectContaining({ $type: 'blob', mimeType: 'image/jpeg', size: jpeg.length }),
      },
    });
    expect(post.externalId).toBe(`at://${DID}/app.bsky.feed.post/${body.rkey}`);
    expect(post.url).toBe(`https://bsky.app/profile/petitscommerces.bsky.social/post/${body.rkey}`);

    const again = emulator.requests.length;
    await adapter.publish(channel, request({ link: null }));
    expect(calls(again)).not.toContain('com.atproto.server.createSession');
  });

  it('resolves a handle to its DID and signs in on the PDS its DID document names, not the resolver', async () => {
    const otherPds = await new BlueskyEmulator({ accounts: [{ did: plcDid('ciwy'), handle: 'ciwy.example', password: 'ciwy-pass' }] }).start();
    try {
      emulator.addAccount({ did: plcDid('ciwy'), handle: 'ciwy.example', password: 'ciwy-pass', pdsUrl: otherPds.url });
      const ciwy: ChannelContext = { ...channel, channelId: 'bsky-ciwy', handle: '@ciwy.example', externalId: '', credentials: { appPassword: 'ciwy-pass' } };
      const before = emulator.requests.length;
      const post = await adapter.publish(ciwy, request({ link: null, text: 'Depuis notre propre serveur' }));
      expect(calls(before)).toEqual(['com.atproto.identity.resolveHandle', `/${plcDid('ciwy')}`]);
      expect(otherPds.requests.map((r) => r.path)).toEqual(['/xrpc/com.atproto.server.createSession', '/xrpc/com.atproto.repo.createRecord']);
      expect(post.externalId).toMatch(new RegExp(`^at://${plcDid('ciwy')}/`));
      assertRecordsValid(otherPds);
      // The resolver's own PDS does not host the account: signing in there is refused.
      const there = await fetch(`${emulator.url}/xrpc/com.atproto.server.createSession`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: 'ciwy.example', password: 'ciwy-pass' }),
      });
      expect(there.status).toBe(401);
    } finally {
      await otherPds.close();
    }
  });

  it('reads a did:web document from the host the DID names', async () => {
    const web = await new BlueskyEmulator({ accounts: [] }).start();
    try {
      web.addAccount({ did: web.didWeb, handle: 'bastina.example', password: 'web-pass', followers: 7 });
      const bastina: ChannelContext = { ...channel, channelId: 'bsky-web', handle: 'bastina.example', externalId: web.didWeb, credentials: { appPassword: 'web-pass' } };
      expect((await adapter.readFollowers(bastina)).followers).toBe(7);
      expect(web.requests.map((r) => r.path)).toEqual(['/.well-known/did.json', '/xrpc/com.atproto.server.createSession', '/xrpc/app.bsky.actor.getProfile']);
      // Without private hosts allowed (production), neither a local did:web nor a plain-http PDS is used.
      const strict = new BlueskyAdapter({ baseUrl: emulator.url, plcDirectoryUrl: emulator.url, mediaFetcher: fetcher });
      expect((await failure(strict.readFollowers({ ...channel, channelId: 'bsky-strict' }))).message).toMatch(/does not use https/);
    } finally {
      await web.close();
    }
  });

  it('the emulator refuses a record the lexicon refuses (a language that is not a BCP 47 tag)', async () => {
    const err = await failure(adapter.publish(channel, request({ language: 'pas une langue', link: null })));
    expect(err.kind).toBe('content');
    expect(err.message).toMatch(/langs\/0 must be a well-formed BCP 47 language tag/);
  });

  it('degrades the card to the link\'s host when the page cannot be read', async () => {
    const post = await adapter.publish(channel, request({ link: 'https://ailleurs.example/x', text: 'Voir https://ailleurs.example/x' }));
    const stored = emulator.posts.find((p) => p.id === post.externalId)!;
    expect(stored.extra?.embed).toEqual({ $type: 'app.bsky.embed.external', external: { uri: 'https://ailleurs.example/x', title: 'ailleurs.example', description: '' } });
  });

  it('skips the mention facet when the handle does not resolve', async () => {
    const post = await adapter.publish(channel, request({ text: 'Avec @nobody.example', link: null }));
    const stored = emulator.posts.find((p) => p.id === post.externalId)!;
    expect(stored.extra?.facets).toBeUndefined();
  });

  it('uploads images as blobs with alt text', async () => {
    const before = emulator.requests.length;
    const post = await adapter.publish(channel, request({ media: [{ url: 'https://cdn.example/a.png', altText: 'Le marché', type: 'image' }] }));
    const upload = emulator.requests.slice(before).find((r) => r.path.endsWith('uploadBlob'))!;
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
      'com.atproto.repo.uploadBlob', // 400 ExpiredToken
      'com.atproto.server.refreshSession',
      'com.atproto.repo.uploadBlob',
      'com.atproto.repo.createRecord',
    ]);
    expect(emulator.posts.filter((p) => p.id === post.externalId)).toHaveLength(1);
  });

  it('refreshes the session when createRecord itself answers ExpiredToken', async () => {
    await adapter.readFollowers(channel);
    emulator.expireAccessTokens();
    const before = emulator.requests.length;
    const post = await adapter.publish(channel, request({ link: null }));
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
    const req = request({ link: null });
    const since = new Date(Date.now() - 1000);
    emulator.inject({ kind: 'server_error', status: 503 });
    const err = await failure(adapter.publish(channel, req));
    expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: false, httpStatus: 503 } });
    expect(await adapter.findPublished(channel, req, since)).toBeNull();
  });

  it('recognises its own record after a 5xx that followed the commit', async () => {
    const req = request({ link: null });
    emulator.inject({ kind: 'server_error_after_commit' });
    const post = await adapter.publish(channel, req);
    const stored = emulator.posts.filter((p) => p.text === req.text);
    expect(stored).toHaveLength(1);
    expect(post.externalId).toBe(stored[0].id);
  });

  it('after a reset past the commit: transient maybe committed, then found by its clock id and text, and not confused with another delivery', async () => {
    const since = new Date(Date.now() - 1000);
    const req = request({ link: null });
    emulator.inject({ kind: 'connection_reset', afterCommit: true });
    const err = await failure(adapter.publish(channel, req));
    expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
    // A later post of the same account with the same text but another delivery's key, and one with another text.
    const other = request({ link: null, text: req.text });
    expect(clockIdFor(other.idempotencyKey)).not.toBe(clockIdFor(req.idempotencyKey));
    await adapter.publish(channel, other);
    await adapter.publish(channel, request({ link: null }));
    const found = await adapter.findPublished(channel, req, since);
    const ours = emulator.posts.filter((p) => p.text === req.text && parseTid(String(p.extra?.rkey))?.clockId === clockIdFor(req.idempotencyKey));
    expect(ours).toHaveLength(1);
    expect(found?.externalId).toBe(ours[0].id);
    // Nothing is found for a delivery that never went out, nor before `since`.
    expect(await adapter.findPublished(channel, request({ link: null }), since)).toBeNull();
    expect(await adapter.findPublished(channel, req, new Date(Date.now() + 60_000))).toBeNull();
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
    const other = make();
    const before = emulator.requests.length;
    await other.readFollowers({ ...channel, credentials: creds });
    expect(calls(before)).toEqual([`/${DID}`, 'app.bsky.actor.getProfile']);
  });
});

import { XEmulator } from '../../../../test/emulators/x.emulator';
import type { MediaFetcher } from '../../media/media-fetcher.types';
import { ChannelContext, NetworkError, PublishRequest } from '../network-adapter';
import { XAdapter } from './x.adapter';

const ACCOUNT = { id: '1001', username: 'costo_paris', token: 'x-token-a', refreshToken: 'x-refresh-a', followers: 1200, tweetCount: 10 };
const OTHER = { id: '1002', username: 'tudigo', token: 'x-token-b', refreshToken: 'x-refresh-b', followers: 50 };

function channel(overrides: Partial<ChannelContext['credentials']> = {}): ChannelContext {
  return {
    channelId: 'ch-x-1',
    network: 'x',
    handle: '@costo_paris',
    externalId: ACCOUNT.id,
    instanceUrl: null,
    credentials: { accessToken: ACCOUNT.token, refreshToken: ACCOUNT.refreshToken, ...overrides },
  };
}

let seq = 0;
function request(text?: string, extra: Partial<PublishRequest> = {}): PublishRequest {
  seq += 1;
  return { deliveryId: `d-${seq}`, idempotencyKey: `k-${seq}`, text: text ?? `Balade dans le 18e, étape ${seq}`, media: [], link: null, ...extra };
}

async function failure(p: Promise<unknown>): Promise<NetworkError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof NetworkError) return err;
    throw err;
  }
  throw new Error('expected a NetworkError');
}

describe('XAdapter against XEmulator', () => {
  let emu: XEmulator;
  let adapter: XAdapter;
  let clock: number | undefined;
  const fetched: string[] = [];
  const fetcher: MediaFetcher = {
    async fetch(url: string) {
      fetched.push(url);
      if (url.includes('missing')) throw new Error('404');
      if (url.endsWith('.txt')) return { bytes: Buffer.from('hello'), contentType: 'text/html' };
      return { bytes: Buffer.alloc(3000, 7), contentType: 'image/png' };
    },
  };

  beforeEach(async () => {
    clock = undefined;
    emu = await new XEmulator({ accounts: [{ ...ACCOUNT }, { ...OTHER }], clientId: 'chorus-client', now: () => clock ?? Date.now() }).start(0);
    adapter = new XAdapter({ baseUrl: emu.url, timeoutMs: 400, clientId: 'chorus-client', clientSecret: 'secret', mediaFetcher: fetcher });
  });
  afterEach(() => emu.close());

  it('publishes a post and returns its id and URL', async () => {
    const req = request('Hello from Chorus');
    const post = await adapter.publish(channel(), req);
    expect(emu.posts).toHaveLength(1);
    expect(emu.posts[0]).toMatchObject({ accountId: ACCOUNT.id, text: 'Hello from Chorus' });
    expect(post.externalId).toBe(emu.posts[0].id);
    expect(post.url).toBe(`https://x.com/costo_paris/status/${post.externalId}`);
    const sent = emu.requests.find((r) => r.path === '/2/tweets');
    expect(sent?.headers.host).toBe('api.x.com');
    expect(sent?.headers.authorization).toBe(`Bearer ${ACCOUNT.token}`);
    expect(sent?.body).toEqual({ text: 'Hello from Chorus' });
  });

  it('sends the approved text as it is (never appends the link) and uploads media with alt text through the v2 media flow', async () => {
    const req = request('Découvrez le pack\nhttps://chorus.example/l/Ab3dEf9h', {
      link: 'https://chorus.example/l/Ab3dEf9h',
      media: [{ url: 'https://cdn.example/a.png?sig=secret', type: 'image', altText: 'Une boutique' }],
    });
    await adapter.publish(channel(), req);
    expect(fetched).toContain('https://cdn.example/a.png?sig=secret');
    expect(emu.posts[0].text).toBe('Découvrez le pack\nhttps://chorus.example/l/Ab3dEf9h');
    expect(emu.posts[0].extra).toMatchObject({ mediaBytes: [3000], altTexts: ['Une boutique'] });
    const paths = emu.requests.map((r) => r.path);
    expect(paths).toEqual(
      expect.arrayContaining(['/2/media/upload/initialize', '/2/media/metadata', '/2/tweets']),
    );
    expect(paths.some((p) => /\/2\/media\/upload\/\d+\/append/.test(p))).toBe(true);
  });

  it('refuses media X does not accept, before posting', async () => {
    const err = await failure(adapter.publish(channel(), request(undefined, { media: [{ url: 'https://cdn.example/x.txt', type: 'image' }] })));
    expect(err.kind).toBe('content');
    expect(emu.posts).toHaveLength(0);
  });

  it('reports a media download failure as transient, not committed, without leaking the URL query', async () => {
    const err = await failure(adapter.publish(channel(), request(undefined, { media: [{ url: 'https://cdn.example/missing.png?token=abc123', type: 'image' }] })));
    expect(err.kind).toBe('transient');
    expect(err.options.maybeCommitted).toBe(false);
    expect(err.message).not.toContain('abc123');
    expect(emu.posts).toHaveLength(0);
  });

  it('maps a media upload 5xx to transient, not committed', async () => {
    emu.inject({ kind: 'server_error', status: 503 }, 'media');
    const err = await failure(adapter.publish(channel(), request(undefined, { media: [{ url: 'https://cdn.example/a.png', type: 'image' }] })));
    expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: false, httpStatus: 503 } });
    expect(emu.posts).toHaveLength(0);
  });

  describe('rate limits', () => {
    const T0 = Math.floor(Date.now() / 1000) * 1000;

    it('uses x-rate-limit-reset when the 15-minute window is exhausted', async () => {
      clock = T0;
      emu.inject({ kind: 'rate_limit', resetInSeconds: 600 });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err.kind).toBe('rate_limited');
      expect(err.options.retryAt?.getTime()).toBe(T0 + 600_000);
      expect(err.options.httpStatus).toBe(429);
      expect(emu.posts).toHaveLength(0);
    });

    it('uses the user 24-hour reset when that cap is the exhausted one', async () => {
      clock = T0;
      emu.inject({ kind: 'rate_limit', resetInSeconds: 7200, scope: 'user24h' });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err.kind).toBe('rate_limited');
      expect(err.options.retryAt?.getTime()).toBe(T0 + 7_200_000);
    });

    it('uses the app 24-hour reset when that cap is the exhausted one', async () => {
      clock = T0;
      emu.inject({ kind: 'rate_limit', resetInSeconds: 5000, scope: 'app24h' });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err.options.retryAt?.getTime()).toBe(T0 + 5_000_000);
    });

    it('waits until next month on the monthly usage cap', async () => {
      emu.inject({ kind: 'rate_limit', scope: 'monthly' });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err.kind).toBe('rate_limited');
      const d = new Date();
      expect(err.options.retryAt?.getTime()).toBe(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    });

    it('enforces a natural per-user 24 h cap with the x-user-limit-24hour headers', async () => {
      await emu.close();
      emu = await new XEmulator({ accounts: [{ ...ACCOUNT }], userPostCap24h: 2, now: () => T0 }).start(0);
      adapter = new XAdapter({ baseUrl: emu.url, timeoutMs: 400 });
      await adapter.publish(channel(), request());
      await adapter.publish(channel(), request());
      const err = await failure(adapter.publish(channel(), request()));
      expect(err.kind).toBe('rate_limited');
      expect(err.options.retryAt?.getTime()).toBe(T0 + 86_400_000);
      expect(emu.posts).toHaveLength(2);
    });

    it('takes its posting limits from the app plan settings, with no daily cap unless one is set', () => {
      expect(adapter.postingLimits).toEqual([{ posts: 100, windowMs: 15 * 60_000 }]);
      expect(new XAdapter({ baseUrl: emu.url, postsPer15Min: 50, postsPer24h: 500 }).postingLimits).toEqual([
        { posts: 50, windowMs: 15 * 60_000 },
        { posts: 500, windowMs: 86_400_000 },
      ]);
    });
  });

  describe('auth', () => {
    it('reports a media upload refused for a missing media.write scope as auth (reconnect), not content, and posts nothing', async () => {
      emu.addAccount({ id: '777', username: 'no_media', token: 'tok-no-media', scopes: ['tweet.read', 'tweet.write', 'users.read', 'offline.access'] });
      const noMedia: ChannelContext = { ...channel(), externalId: '777', handle: '@no_media', credentials: { accessToken: 'tok-no-media' } };
      const err = await failure(adapter.publish(noMedia, request('Avec image', { media: [{ url: 'https://cdn.example/a.png', type: 'image' }] })));
      expect(err).toMatchObject({ kind: 'auth', options: { httpStatus: 403 } });
      expect(err.message).toMatch(/media\.write/);
      expect(err.message).toMatch(/Reconnect this account/);
      expect(emu.posts).toHaveLength(0);
    });

    it.each(['expired_token', 'revoked_token'])('maps %s (401) to auth', async (kind) => {
      emu.inject({ kind });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'auth', options: { httpStatus: 401 } });
      expect(err.message).not.toContain(ACCOUNT.token);
    });

    it('rejects an unknown token with 401 → auth', async () => {
      const err = await failure(adapter.readFollowers(channel({ accessToken: 'stolen' })));
      expect(err.kind).toBe('auth');
    });

    it('refreshes an expired token: both tokens rotate, the new one works, the old refresh token is dead', async () => {
      emu.expireAccessToken(ACCOUNT.id);
      expect((await failure(adapter.publish(channel(), request()))).kind).toBe('auth');

      const renewed = await adapter.refreshCredentials(channel());
      expect(renewed.accessToken).toBe(emu.tokensOf(ACCOUNT.id).accessToken);
      expect(renewed.refreshToken).toBe(emu.tokensOf(ACCOUNT.id).refreshToken);
      expect(renewed.accessToken).not.toBe(ACCOUNT.token);
      expect(renewed.refreshToken).not.toBe(ACCOUNT.refreshToken);
      expect(renewed.expiresAt).toBeGreaterThan(Date.now());

      const renewedChannel = { ...channel(), credentials: renewed };
      await adapter.publish(renewedChannel, request('After refresh'));
      expect(emu.posts.map((p) => p.text)).toEqual(['After refresh']);

      const reused = await failure(adapter.refreshCredentials(channel()));
      expect(reused.kind).toBe('auth');
      expect(reused.message).not.toContain(ACCOUNT.refreshToken);
    });

    it('maps a refused refresh (revoked app) to auth', async () => {
      emu.revokeTokens(ACCOUNT.id);
      const err = await failure(adapter.refreshCredentials(channel()));
      expect(err).toMatchObject({ kind: 'auth', options: { httpStatus: 400 } });
    });

    it('maps a token-endpoint 5xx to transient', async () => {
      emu.inject({ kind: 'server_error' }, 'oauth2');
      const err = await failure(adapter.refreshCredentials(channel()));
      expect(err.kind).toBe('transient');
      expect(emu.tokensOf(ACCOUNT.id).refreshToken).toBe(ACCOUNT.refreshToken);
    });
  });

  describe('content', () => {
    it('maps the 403 duplicate after a second identical post', async () => {
      await adapter.publish(channel(), request('Même texte'));
      const err = await failure(adapter.publish(channel(), request('Même texte')));
      expect(err).toMatchObject({ kind: 'content', options: { networkCode: 'duplicate-content', httpStatus: 403 } });
      expect(emu.posts).toHaveLength(1);
    });

    it('maps an injected duplicate', async () => {
      emu.inject({ kind: 'duplicate' });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err.options.networkCode).toBe('duplicate-content');
    });

    it('maps text over 280 characters to content', async () => {
      const err = await failure(adapter.publish(channel(), request('a'.repeat(281))));
      expect(err).toMatchObject({ kind: 'content', options: { httpStatus: 400, networkCode: 'text-too-long' } });
      expect(emu.posts).toHaveLength(0);
    });
  });

  describe('server failures', () => {
    it('maps a 503 on the create call to transient, maybe committed', async () => {
      emu.inject({ kind: 'server_error', status: 503 });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true, httpStatus: 503 } });
      expect(emu.posts).toHaveLength(0);
    });

    it('maps an HTML 502 page to transient', async () => {
      emu.inject({ kind: 'server_error', status: 502, html: true });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'transient', options: { httpStatus: 502 } });
    });

    it('finds the post after a committed-then-5xx, and nothing for another text', async () => {
      const since = new Date();
      const req = request('Committed then failed');
      emu.inject({ kind: 'server_error_after_commit', status: 500 });
      const err = await failure(adapter.publish(channel(), req));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
      expect(emu.posts).toHaveLength(1);

      const found = await adapter.findPublished(channel(), req, since);
      expect(found?.externalId).toBe(emu.posts[0].id);
      expect(found?.url).toContain(emu.posts[0].id);
      expect(await adapter.findPublished(channel(), request('Never sent'), since)).toBeNull();
    });

    it('does not match an identical post made well before `since`', async () => {
      const req = request('Old post');
      clock = Date.now() - 3 * 3600_000;
      await adapter.publish(channel(), req);
      clock = undefined;
      expect(await adapter.findPublished(channel(), req, new Date(Date.now() - 3600_000))).toBeNull();
    });

    it('maps a reset before commit to transient, maybe committed, with nothing created', async () => {
      emu.inject({ kind: 'connection_reset' });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
      expect(emu.posts).toHaveLength(0);
    });

    it('maps a reset after commit to transient, maybe committed, and the post is findable', async () => {
      const since = new Date();
      const req = request('Reset after commit');
      emu.inject({ kind: 'connection_reset', afterCommit: true });
      const err = await failure(adapter.publish(channel(), req));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
      expect((await adapter.findPublished(channel(), req, since))?.externalId).toBe(emu.posts[0].id);
    });

    it('maps a hang to a timeout: transient, maybe committed', async () => {
      emu.inject({ kind: 'hang', ms: 10_000 });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
      expect(err.message).toMatch(/did not answer in time/);
    });

    it('maps read failures to transient, never maybe committed', async () => {
      emu.inject({ kind: 'server_error' }, '/2/users/me');
      expect(await failure(adapter.readFollowers(channel()))).toMatchObject({ kind: 'transient', options: { maybeCommitted: false } });
      emu.inject({ kind: 'connection_reset' }, '/2/users/');
      const err = await failure(adapter.findPublished(channel(), request(), new Date()));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: false } });
    });

    it('maps a refused connection to transient, not committed', async () => {
      await emu.close();
      expect(await failure(adapter.publish(channel(), request()))).toMatchObject({ kind: 'transient', options: { maybeCommitted: false } });
    });

    it('throws when the lookup is rate limited instead of answering "absent"', async () => {
      emu.inject({ kind: 'rate_limit' }, 'any');
      expect((await failure(adapter.findPublished(channel(), request(), new Date()))).kind).toBe('rate_limited');
    });
  });

  it('reads followers and post count, and follows changes', async () => {
    expect(await adapter.readFollowers(channel())).toEqual({ followers: 1200, posts: 10 });
    await adapter.publish(channel(), request());
    emu.setFollowers(ACCOUNT.id, 1234);
    expect(await adapter.readFollowers(channel())).toEqual({ followers: 1234, posts: 11 });
  });

  it('keeps accounts apart: one token reads its own account', async () => {
    const other: ChannelContext = { ...channel(), externalId: OTHER.id, handle: '@tudigo', credentials: { accessToken: OTHER.token } };
    expect((await adapter.readFollowers(other)).followers).toBe(50);
    await adapter.publish(other, request('Tudigo says hi'));
    expect(emu.postsOf(OTHER.id)).toHaveLength(1);
    expect(emu.postsOf(ACCOUNT.id)).toHaveLength(0);
  });
});

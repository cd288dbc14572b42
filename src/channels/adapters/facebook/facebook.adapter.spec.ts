import { FacebookEmulator } from '../../../../test/emulators/facebook.emulator';
import { GraphClient } from '../graph-client';
import { GRAPH_DEFAULT_THROTTLE_WAIT_MS } from '../graph-errors';
import { ChannelContext, NetworkError, PublishRequest } from '../network-adapter';
import { FacebookAdapter } from './facebook.adapter';

const PAGE = { id: '546349135390552', token: 'EAAGpagetokenA', followers: 15234, fans: 14980 };
const OTHER = { id: '431651536911675', token: 'EAAGpagetokenB', followers: 10 };

function channel(token = PAGE.token, pageId = PAGE.id): ChannelContext {
  return { channelId: 'ch-fb-1', network: 'facebook', handle: 'CoSto Paris', externalId: pageId, instanceUrl: null, credentials: { accessToken: token } };
}

let seq = 0;
function request(text?: string, extra: Partial<PublishRequest> = {}): PublishRequest {
  seq += 1;
  return { deliveryId: `d-${seq}`, idempotencyKey: `k-${seq}`, text: text ?? `Rendez-vous Halle Pajol n°${seq}`, media: [], link: null, ...extra };
}

async function failure(p: Promise<unknown>): Promise<NetworkError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof NetworkError) {
      expect(err.message).not.toContain(PAGE.token);
      return err;
    }
    throw err;
  }
  throw new Error('expected a NetworkError');
}

async function retryWindow(p: Promise<unknown>, waitMs: number): Promise<NetworkError> {
  const before = Date.now();
  const err = await failure(p);
  const after = Date.now();
  expect(err.kind).toBe('rate_limited');
  const at = err.options.retryAt?.getTime() ?? 0;
  expect(at).toBeGreaterThanOrEqual(before + waitMs);
  expect(at).toBeLessThanOrEqual(after + waitMs);
  return err;
}

describe('FacebookAdapter against FacebookEmulator', () => {
  let emu: FacebookEmulator;
  let adapter: FacebookAdapter;

  beforeEach(async () => {
    emu = await new FacebookEmulator({ pages: [{ ...PAGE }, { ...OTHER }] }).start(0);
    adapter = new FacebookAdapter({ baseUrl: `${emu.url}/v20.0`, timeoutMs: 400 });
  });
  afterEach(() => emu.close());

  describe('publish', () => {
    it('posts text and link to /feed with the page token', async () => {
      const post = await adapter.publish(channel(), request('Le pack CoSto arrive', { link: 'https://costo.example/pack' }));
      expect(emu.posts).toHaveLength(1);
      expect(emu.posts[0]).toMatchObject({ accountId: PAGE.id, text: 'Le pack CoSto arrive', extra: { link: 'https://costo.example/pack' } });
      expect(post.externalId).toBe(emu.posts[0].id);
      expect(post.externalId).toMatch(new RegExp(`^${PAGE.id}_\\d+$`));
      expect(post.url).toBe(`https://www.facebook.com/${PAGE.id}/posts/${post.externalId.split('_')[1]}`);
      const sent = emu.requests.find((r) => r.method === 'POST');
      expect(sent?.path).toBe(`/v20.0/${PAGE.id}/feed`);
      expect(sent?.body).toMatchObject({ message: 'Le pack CoSto arrive', link: 'https://costo.example/pack', access_token: PAGE.token });
    });

    it('posts one image through /photos?url= with the approved text (its link included) as the caption, unchanged', async () => {
      const post = await adapter.publish(
        channel(),
        request('Marché Dejean\nhttps://costo.example/dejean', { link: 'https://costo.example/dejean', media: [{ url: 'https://cdn.example/dejean.jpg', type: 'image', altText: 'Étals' }] }),
      );
      expect(emu.posts).toHaveLength(1);
      expect(emu.posts[0].text).toBe('Marché Dejean\nhttps://costo.example/dejean');
      expect(emu.posts[0].extra).toMatchObject({ kind: 'photo', imageUrl: 'https://cdn.example/dejean.jpg' });
      expect(post.externalId).toBe(emu.posts[0].id);
    });

    it('posts several images as unpublished photos attached to one /feed post', async () => {
      await adapter.publish(
        channel(),
        request('Deux vues', { media: [{ url: 'https://cdn.example/1.jpg', type: 'image' }, { url: 'https://cdn.example/2.jpg', type: 'image' }] }),
      );
      expect(emu.posts).toHaveLength(1);
      expect((emu.posts[0].extra?.photoIds as string[]).length).toBe(2);
    });

    it('refuses videos as content, before calling Facebook', async () => {
      const err = await failure(adapter.publish(channel(), request(undefined, { media: [{ url: 'https://cdn.example/v.mp4', type: 'video' }] })));
      expect(err.kind).toBe('content');
      expect(emu.requests).toHaveLength(0);
    });

    it('works with whatever Graph version the base URL names', async () => {
      const v23 = new FacebookAdapter({ baseUrl: `${emu.url}/v23.0` });
      await v23.publish(channel(), request());
      expect(emu.posts).toHaveLength(1);
    });
  });

  describe('rate limits (HTTP 400 with throttle codes)', () => {
    it('80001 uses estimated_time_to_regain_access from x-business-use-case-usage', async () => {
      emu.inject({ kind: 'rate_limit', code: 80001, resetInSeconds: 1800 });
      const err = await retryWindow(adapter.publish(channel(), request()), 30 * 60_000);
      expect(err.options).toMatchObject({ networkCode: '80001', httpStatus: 400 });
      expect(emu.posts).toHaveLength(0);
    });

    it.each([4, 17])('code %i with only x-app-usage waits the default hour', async (code) => {
      emu.inject({ kind: 'rate_limit', code });
      const err = await retryWindow(adapter.publish(channel(), request()), GRAPH_DEFAULT_THROTTLE_WAIT_MS);
      expect(err.options.networkCode).toBe(String(code));
    });

    it.each([32, 613])('code %i with a BUC estimate of 5 minutes', async (code) => {
      emu.inject({ kind: 'rate_limit', code, resetInSeconds: 300 });
      await retryWindow(adapter.publish(channel(), request()), 5 * 60_000);
    });

    it('a throttle with no usage header waits the default hour', async () => {
      emu.inject({ kind: 'rate_limit', code: 613, header: 'none' });
      await retryWindow(adapter.publish(channel(), request()), GRAPH_DEFAULT_THROTTLE_WAIT_MS);
    });

    it('a throttled read is rate_limited too', async () => {
      emu.inject({ kind: 'rate_limit', code: 4 }, 'any');
      expect((await failure(adapter.readFollowers(channel()))).kind).toBe('rate_limited');
    });
  });

  describe('auth', () => {
    it('maps the expired-token body (190/463) to auth', async () => {
      emu.inject({ kind: 'expired_token' });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'auth', options: { networkCode: '190/463', httpStatus: 400 } });
      expect(err.message).toMatch(/expired/);
    });

    it('maps the revoked-token body (190/460) to auth', async () => {
      emu.inject({ kind: 'revoked_token' }, 'any');
      const err = await failure(adapter.readFollowers(channel()));
      expect(err).toMatchObject({ kind: 'auth', options: { networkCode: '190/460' } });
    });

    it('answers with auth after the page token expires or is revoked', async () => {
      emu.expireToken(PAGE.id);
      expect((await failure(adapter.publish(channel(), request()))).options.networkCode).toBe('190/463');
      emu.revokeToken(PAGE.id);
      expect((await failure(adapter.publish(channel(), request()))).options.networkCode).toBe('190/460');
      expect(emu.posts).toHaveLength(0);
    });

    it('maps an unknown token and another page token to auth', async () => {
      expect((await failure(adapter.publish(channel('EAAGforged'), request()))).kind).toBe('auth');
      const err = await failure(adapter.publish(channel(OTHER.token, PAGE.id), request()));
      expect(err).toMatchObject({ kind: 'auth', options: { networkCode: '200' } });
    });

    it('offers no token refresh', () => {
      expect((adapter as { refreshCredentials?: unknown }).refreshCredentials).toBeUndefined();
    });
  });

  describe('content', () => {
    it('maps the natural duplicate of the previous post to content 506/1455006', async () => {
      await adapter.publish(channel(), request('Même message'));
      const err = await failure(adapter.publish(channel(), request('Même message')));
      expect(err).toMatchObject({ kind: 'content', options: { networkCode: '506/1455006', httpStatus: 400 } });
      expect(emu.posts).toHaveLength(1);
    });

    it('maps the 368 duplicate and the 368 "too fast" block to content', async () => {
      emu.inject({ kind: 'duplicate', variant: '368' });
      expect((await failure(adapter.publish(channel(), request()))).options.networkCode).toBe('368');
      emu.inject({ kind: 'spam' });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'content', options: { networkCode: '368/1390008' } });
      expect(err.message).toMatch(/too fast/);
    });
  });

  describe('server failures', () => {
    it('maps a 500 code 2 on /feed to transient, maybe committed', async () => {
      emu.inject({ kind: 'server_error' });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true, httpStatus: 500, networkCode: '2' } });
      expect(emu.posts).toHaveLength(0);
    });

    it('maps a non-JSON HTML 503 to transient', async () => {
      emu.inject({ kind: 'server_error', status: 503, html: true });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'transient', options: { httpStatus: 503, maybeCommitted: true } });
    });

    it('finds the post after a 500-but-committed, and null for another text', async () => {
      const since = new Date();
      const req = request('Publié malgré le 500', { link: 'https://costo.example/a' });
      emu.inject({ kind: 'server_error_after_commit' });
      const err = await failure(adapter.publish(channel(), req));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
      expect(emu.posts).toHaveLength(1);
      const found = await adapter.findPublished(channel(), req, since);
      expect(found?.externalId).toBe(emu.posts[0].id);
      expect(await adapter.findPublished(channel(), request('Jamais envoyé'), since)).toBeNull();
    });

    it('finds a photo post after a reset after commit', async () => {
      const since = new Date();
      const req = request('Photo coupée', { media: [{ url: 'https://cdn.example/p.jpg', type: 'image' }] });
      emu.inject({ kind: 'connection_reset', afterCommit: true });
      const err = await failure(adapter.publish(channel(), req));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
      expect((await adapter.findPublished(channel(), req, since))?.externalId).toBe(emu.posts[0].id);
    });

    it('maps a reset before commit and a hang to transient, maybe committed, with nothing created', async () => {
      emu.inject({ kind: 'connection_reset' });
      expect(await failure(adapter.publish(channel(), request()))).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
      emu.inject({ kind: 'hang', ms: 10_000 });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
      expect(err.message).toMatch(/did not answer in time/);
      expect(emu.posts).toHaveLength(0);
    });

    it('a failed unpublished photo upload is transient but not committed', async () => {
      emu.inject({ kind: 'server_error' }, 'photo_upload');
      const err = await failure(
        adapter.publish(channel(), request(undefined, { media: [{ url: 'https://cdn.example/1.jpg', type: 'image' }, { url: 'https://cdn.example/2.jpg', type: 'image' }] })),
      );
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: false } });
      expect(emu.posts).toHaveLength(0);
    });

    it('throws, rather than answering "absent", when the lookup fails', async () => {
      emu.inject({ kind: 'server_error' }, `/${PAGE.id}/posts`);
      const err = await failure(adapter.findPublished(channel(), request(), new Date()));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: false } });
    });

    it('maps a refused connection to transient, not committed', async () => {
      await emu.close();
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: false } });
    });
  });

  it('reads followers_count and follows changes', async () => {
    expect(await adapter.readFollowers(channel())).toEqual({ followers: 15234, posts: null });
    emu.setFollowers(PAGE.id, 15300);
    expect((await adapter.readFollowers(channel())).followers).toBe(15300);
  });
});

describe('Graph versions', () => {
  it('an expired version still answers (Graph runs it on its oldest usable one) and the client notices from facebook-api-version', async () => {
    const emu = await new FacebookEmulator({ pages: [{ ...PAGE }], now: () => Date.parse('2026-12-07T12:00:00Z') }).start(0);
    try {
      const expired = new GraphClient('Facebook', `${emu.url}/v20.0`);
      await expired.get(channel(), `/${PAGE.id}`, { fields: 'followers_count', access_token: PAGE.token });
      expect(expired.servedVersion).toBe('v21.0');
      const current = new GraphClient('Facebook', `${emu.url}/v25.0`);
      await current.get(channel(), `/${PAGE.id}`, { fields: 'followers_count', access_token: PAGE.token });
      expect(current.servedVersion).toBeNull();
      const unreleased = await new GraphClient('Facebook', `${emu.url}/v99.0`).get(channel(), `/${PAGE.id}`, { access_token: PAGE.token }).catch((e: unknown) => e);
      expect(unreleased).toBeInstanceOf(NetworkError);
    } finally {
      await emu.close();
    }
  });
});

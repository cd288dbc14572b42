import { InstagramEmulator } from '../../../../test/emulators/instagram.emulator';
import { GRAPH_DEFAULT_THROTTLE_WAIT_MS } from '../graph-errors';
import { ChannelContext, MediaItem, NetworkError, PublishRequest } from '../network-adapter';
import { InstagramAdapter } from './instagram.adapter';

const ACCOUNT = { id: '17841405822304914', username: 'costo.paris', token: 'EAAGigtokenA', followers: 1523, mediaCount: 87 };
const OTHER = { id: '17841400000000001', username: 'bastina', token: 'EAAGigtokenB' };
/** Images are fetched by the emulator, as by Meta: a second emulator serves them (CDN). */
const cdn = new InstagramEmulator({ accounts: [] });
let IMAGE: MediaItem;
const image = (w: number, h: number, format = 'jpeg') => `${cdn.url}/_emulator/image?w=${w}&h=${h}&format=${format}`;
beforeAll(async () => {
  await cdn.start();
  IMAGE = { url: image(1080, 1350), type: 'image', altText: 'La Halle Pajol' };
});
afterAll(() => cdn.close());

function channel(token = ACCOUNT.token): ChannelContext {
  return { channelId: 'ch-ig-1', network: 'instagram', handle: 'costo.paris', externalId: ACCOUNT.id, instanceUrl: null, credentials: { accessToken: token } };
}

let seq = 0;
function request(text?: string, extra: Partial<PublishRequest> = {}): PublishRequest {
  seq += 1;
  return { deliveryId: `d-${seq}`, idempotencyKey: `k-${seq}`, text: text ?? `Balade au Marché Vernaison n°${seq}`, media: [IMAGE], link: null, ...extra };
}

/** A request whose attempts' containers are kept, as the pipeline keeps them (attemptRefs). */
function kept(req: PublishRequest): PublishRequest {
  const refs: string[] = [];
  return { ...req, attemptRefs: refs, rememberAttemptRef: async (ref) => void refs.push(ref) };
}

async function failure(p: Promise<unknown>): Promise<NetworkError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof NetworkError) {
      expect(err.message).not.toContain(ACCOUNT.token);
      return err;
    }
    throw err;
  }
  throw new Error('expected a NetworkError');
}

describe('InstagramAdapter against InstagramEmulator', () => {
  let emu: InstagramEmulator;
  let adapter: InstagramAdapter;

  const count = (method: string, pattern: RegExp): number => emu.requests.filter((r) => r.method === method && pattern.test(r.path)).length;
  /** GETs of a container node: not the account, not a published media. */
  const statusReads = (): number => {
    const notContainers = new Set([ACCOUNT.id, ...emu.posts.map((p) => p.id)]);
    return emu.requests.filter((r) => r.method === 'GET' && /^\/v20\.0\/\d+$/.test(r.path) && !notContainers.has(r.path.split('/')[2])).length;
  };

  beforeEach(async () => {
    emu = await new InstagramEmulator({ accounts: [{ ...ACCOUNT }, { ...OTHER }] }).start(0);
    adapter = new InstagramAdapter({ baseUrl: `${emu.url}/v20.0`, timeoutMs: 400, pollIntervalMs: 0, maxPolls: 5 });
  });
  afterEach(() => emu.close());

  describe('containers of earlier attempts (lost answers)', () => {
    it('keeps the container id before media_publish, and publishes a FINISHED earlier container instead of creating another', async () => {
      const kept: string[] = [];
      emu.inject({ kind: 'server_error', status: 500 }, 'publish', 1);
      const first = request('Balade au marché', { rememberAttemptRef: async (ref) => void kept.push(ref) });
      expect((await failure(adapter.publish(channel(), first))).options.maybeCommitted).toBe(true);
      expect(kept).toHaveLength(1);

      const post = await adapter.publish(channel(), { ...first, attemptRefs: kept, rememberAttemptRef: async (ref) => void kept.push(ref) });
      expect(count('POST', /\/media$/)).toBe(1);
      expect(emu.posts).toHaveLength(1);
      expect(emu.posts[0].extra?.containerId).toBe(kept[0]);
      expect(post.externalId).toBe(emu.posts[0].id);
      expect(kept).toHaveLength(1);
    });

    it('reports an earlier container already PUBLISHED as a duplicate, without creating another', async () => {
      const kept: string[] = [];
      const first = request('Marché aux puces', { rememberAttemptRef: async (ref) => void kept.push(ref) });
      await adapter.publish(channel(), first);
      const err = await failure(adapter.publish(channel(), { ...first, attemptRefs: kept }));
      expect(err.options.duplicate).toBe(true);
      expect(count('POST', /\/media$/)).toBe(1);
      expect(emu.posts).toHaveLength(1);
    });

    it('passes over an earlier container in ERROR and creates a fresh one', async () => {
      const kept: string[] = [];
      emu.inject({ kind: 'container_error' }, 'container', 1);
      const first = request('Vide-grenier', { rememberAttemptRef: async (ref) => void kept.push(ref) });
      await failure(adapter.publish(channel(), first));
      await adapter.publish(channel(), { ...first, attemptRefs: kept, rememberAttemptRef: async (ref) => void kept.push(ref) });
      expect(count('POST', /\/media$/)).toBe(2);
      expect(emu.posts).toHaveLength(1);
      expect(kept).toHaveLength(2);
    });
  });

  describe('publish', () => {
    it('creates a container, waits for FINISHED, publishes, and returns the permalink', async () => {
      const post = await adapter.publish(channel(), request('Bonjour le 18e\nhttps://costo.example/18', { link: 'https://costo.example/18' }));
      expect(emu.posts).toHaveLength(1);
      expect(emu.posts[0]).toMatchObject({
        accountId: ACCOUNT.id,
        text: 'Bonjour le 18e\nhttps://costo.example/18',
        extra: { imageUrl: IMAGE.url, altText: 'La Halle Pajol', mediaType: 'IMAGE' },
      });
      expect(post.externalId).toBe(emu.posts[0].id);
      expect(post.url).toMatch(/^https:\/\/www\.instagram\.com\/p\/\w+\/$/);
      const containerId = String(emu.posts[0].extra?.containerId);
      expect(emu.containerStatus(containerId)).toBe('PUBLISHED');
      const publish = emu.requests.find((r) => r.path.endsWith('/media_publish'));
      expect(publish?.body).toMatchObject({ creation_id: containerId });
    });

    it('refuses a post without media before calling Instagram', async () => {
      const err = await failure(adapter.publish(channel(), request(undefined, { media: [] })));
      expect(err.kind).toBe('content');
      expect(emu.requests).toHaveLength(0);
    });

    it('publishes a video as a REELS container', async () => {
      await adapter.publish(channel(), request(undefined, { media: [{ url: 'https://cdn.example/v.mp4', type: 'video' }] }));
      expect(emu.posts[0].extra).toMatchObject({ mediaType: 'VIDEO', videoUrl: 'https://cdn.example/v.mp4' });
    });

    it('publishes several images as a carousel', async () => {
      await adapter.publish(channel(), request(undefined, { media: [IMAGE, { url: image(1910, 1000), type: 'image' }] }));
      expect(emu.posts).toHaveLength(1);
      expect(emu.posts[0].extra).toMatchObject({ mediaType: 'CAROUSEL_ALBUM', children: [IMAGE.url, image(1910, 1000)] });
    });

    it.each([
      ['a PNG', [1080, 1080, 'png'] as const, 36001],
      ['a JPEG taller than 4:5', [1080, 1920, 'jpeg'] as const, 36003],
      ['a JPEG wider than 1.91:1', [2000, 1000, 'jpeg'] as const, 36003],
    ])('the emulator refuses %s as Graph does, and the adapter reports it as content', async (_name, [w, h, format], graphCode) => {
      const err = await failure(adapter.publish(channel(), request(undefined, { media: [{ url: image(w, h, format), type: 'image' }] })));
      expect(err.kind).toBe('content');
      expect(err.options.networkCode).toMatch(new RegExp(`^${graphCode}`));
      expect(emu.posts).toHaveLength(0);
    });

    it('an image the emulator cannot fetch is refused with 9004/2207052', async () => {
      const err = await failure(adapter.publish(channel(), request(undefined, { media: [{ url: 'https://cdn.example/missing.jpg', type: 'image' }] })));
      expect(err.kind).toBe('content');
      expect(err.options.networkCode).toMatch(/^9004/);
    });

    it('declares the 50-per-24h publishing limit', () => {
      expect(adapter.postingLimits).toEqual([{ posts: 50, windowMs: 86_400_000 }]);
    });
  });

  describe('container state machine', () => {
    it('keeps polling while IN_PROGRESS, then publishes once FINISHED', async () => {
      emu.inject({ kind: 'container_in_progress', polls: 3, then: 'FINISHED' }, 'container');
      await adapter.publish(channel(), request());
      expect(statusReads()).toBe(4);
      expect(emu.posts).toHaveLength(1);
    });

    it('IN_PROGRESS then ERROR about the media → content, nothing published', async () => {
      emu.inject({ kind: 'container_in_progress', polls: 2, then: 'ERROR' }, 'container');
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'content', options: { networkCode: 'ERROR/2207004' } });
      expect(statusReads()).toBe(3);
      expect(count('POST', /media_publish$/)).toBe(0);
      expect(emu.posts).toHaveLength(0);
    });

    it('ERROR from a download timeout → transient, not committed', async () => {
      emu.inject({ kind: 'container_error', status: 'Error: Media download has timed out with error code 2207003' }, 'container');
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: false, networkCode: 'ERROR/2207003' } });
    });

    it('ERROR from the publishing quota → rate_limited', async () => {
      emu.inject({ kind: 'container_error', status: 'Error: You reached maximum number of posts that is allowed with error code 2207042' }, 'container');
      const err = await failure(adapter.publish(channel(), request()));
      expect(err.kind).toBe('rate_limited');
      expect(err.options.retryAt).toBeInstanceOf(Date);
    });

    it('EXPIRED → transient, not committed', async () => {
      emu.inject({ kind: 'container_in_progress', polls: 1, then: 'EXPIRED' }, 'container');
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: false, networkCode: 'EXPIRED' } });
    });

    it('gives up after maxPolls without publishing', async () => {
      emu.inject({ kind: 'container_in_progress', polls: 100 }, 'container');
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: false, networkCode: 'IN_PROGRESS' } });
      expect(statusReads()).toBe(5);
      expect(count('POST', /media_publish$/)).toBe(0);
    });

    it('publish before FINISHED (9007/2207027) → waits and publishes once', async () => {
      emu.inject({ kind: 'not_ready' }, 'publish', 2);
      await adapter.publish(channel(), request());
      expect(count('POST', /media_publish$/)).toBe(3);
      expect(emu.posts).toHaveLength(1);
    });

    it('the emulator itself refuses media_publish on a container still IN_PROGRESS', async () => {
      emu.inject({ kind: 'container_in_progress', polls: 2 }, 'container');
      const res = await fetch(`${emu.url}/v20.0/${ACCOUNT.id}/media?image_url=${encodeURIComponent(IMAGE.url)}&access_token=${ACCOUNT.token}`, { method: 'POST' });
      const { id } = (await res.json()) as { id: string };
      const early = await fetch(`${emu.url}/v20.0/${ACCOUNT.id}/media_publish?creation_id=${id}&access_token=${ACCOUNT.token}`, { method: 'POST' });
      expect(early.status).toBe(400);
      expect(await early.json()).toMatchObject({ error: { code: 9007, error_subcode: 2207027 } });
      expect(emu.posts).toHaveLength(0);
    });
  });

  describe('limits and content errors', () => {
    it('maps the quota error 9/2207042 to rate_limited with the default wait', async () => {
      emu.inject({ kind: 'quota_exceeded' });
      const before = Date.now();
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'rate_limited', options: { networkCode: '9/2207042', httpStatus: 400 } });
      expect(err.options.retryAt!.getTime()).toBeGreaterThanOrEqual(before + GRAPH_DEFAULT_THROTTLE_WAIT_MS);
    });

    it('enforces the natural 24 h publishing quota', async () => {
      await emu.close();
      emu = await new InstagramEmulator({ accounts: [{ ...ACCOUNT }], publishQuota: 2 }).start(0);
      adapter = new InstagramAdapter({ baseUrl: `${emu.url}/v20.0`, pollIntervalMs: 0, maxPolls: 5 });
      await adapter.publish(channel(), request());
      await adapter.publish(channel(), request());
      expect((await failure(adapter.publish(channel(), request()))).kind).toBe('rate_limited');
      expect(emu.posts).toHaveLength(2);
    });

    it('maps the BUC throttle 80002 with estimated_time_to_regain_access', async () => {
      emu.inject({ kind: 'rate_limit', resetInSeconds: 600 }, 'container');
      const before = Date.now();
      const err = await failure(adapter.publish(channel(), request()));
      const after = Date.now();
      expect(err).toMatchObject({ kind: 'rate_limited', options: { networkCode: '80002' } });
      expect(err.options.retryAt!.getTime()).toBeGreaterThanOrEqual(before + 600_000);
      expect(err.options.retryAt!.getTime()).toBeLessThanOrEqual(after + 600_000);
    });

    it('maps a media URL Instagram cannot fetch to content', async () => {
      emu.inject({ kind: 'media_fetch_failed' }, 'container');
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'content', options: { networkCode: '9004/2207052' } });
      expect(err.message).toContain('could not be fetched');
    });

    it('maps the spam restriction 4/2207051 to content', async () => {
      emu.inject({ kind: 'spam' });
      expect(await failure(adapter.publish(channel(), request()))).toMatchObject({ kind: 'content', options: { networkCode: '4/2207051' } });
    });

    it('maps a caption over 2,200 characters to content', async () => {
      const err = await failure(adapter.publish(channel(), request('x'.repeat(2201))));
      expect(err).toMatchObject({ kind: 'content', options: { networkCode: '36004/2207010' } });
    });
  });

  describe('auth', () => {
    it('maps the expired-token body to auth 190/463', async () => {
      emu.inject({ kind: 'expired_token' }, 'container');
      expect(await failure(adapter.publish(channel(), request()))).toMatchObject({ kind: 'auth', options: { networkCode: '190/463' } });
    });

    it('maps revoked and expired account tokens to auth', async () => {
      emu.revokeToken(ACCOUNT.id);
      expect((await failure(adapter.readFollowers(channel()))).options.networkCode).toBe('190/460');
      emu.expireToken(ACCOUNT.id);
      expect((await failure(adapter.publish(channel(), request()))).options.networkCode).toBe('190/463');
      expect((await failure(adapter.publish(channel(OTHER.token), request()))).kind).toBe('auth');
    });
  });

  describe('server failures', () => {
    it('a 5xx on media_publish is transient and maybe committed; on the container it is not', async () => {
      emu.inject({ kind: 'server_error' });
      expect(await failure(adapter.publish(channel(), request()))).toMatchObject({ kind: 'transient', options: { maybeCommitted: true, httpStatus: 500 } });
      emu.inject({ kind: 'server_error', status: 503 }, 'container');
      expect(await failure(adapter.publish(channel(), request()))).toMatchObject({ kind: 'transient', options: { maybeCommitted: false, httpStatus: 503 } });
      expect(emu.posts).toHaveLength(0);
    });

    it('an HTML 502 on a status read is transient, not committed', async () => {
      emu.inject({ kind: 'server_error', status: 502, html: true }, 'status');
      expect(await failure(adapter.publish(channel(), request()))).toMatchObject({ kind: 'transient', options: { maybeCommitted: false, httpStatus: 502 } });
    });

    it('finds the post after a committed-then-5xx on media_publish, and null for another caption', async () => {
      const since = new Date();
      const req = kept(request('Publié puis 500'));
      emu.inject({ kind: 'server_error_after_commit' });
      expect(await failure(adapter.publish(channel(), req))).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
      expect(emu.posts).toHaveLength(1);
      const found = await adapter.findPublished(channel(), req, since);
      expect(found?.externalId).toBe(emu.posts[0].id);
      expect(found?.url).toMatch(/instagram\.com\/p\//);
      expect(await adapter.findPublished(channel(), request('Autre légende'), since)).toBeNull();
    });

    it('maps resets and hangs on media_publish to transient, maybe committed', async () => {
      emu.inject({ kind: 'connection_reset', afterCommit: true });
      expect(await failure(adapter.publish(channel(), request()))).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
      expect(emu.posts).toHaveLength(1);
      emu.inject({ kind: 'hang', ms: 10_000 });
      const err = await failure(adapter.publish(channel(), request()));
      expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
      expect(emu.posts).toHaveLength(1);
    });

    it('throws, rather than answering "absent", when the container cannot be read', async () => {
      const req = kept(request());
      emu.inject({ kind: 'connection_reset', afterCommit: true });
      await failure(adapter.publish(channel(), req));
      emu.inject({ kind: 'server_error' }, 'status');
      expect(await failure(adapter.findPublished(channel(), req, new Date()))).toMatchObject({ kind: 'transient', options: { maybeCommitted: false } });
    });

    it('reads the container, not the captions: a post with the same caption from another delivery is not taken for ours', async () => {
      const since = new Date();
      const published = kept(request('Même légende'));
      await adapter.publish(channel(), published);
      const ours = kept(request('Même légende'));
      // Our attempt got its container FINISHED but never reached media_publish (crash before it).
      emu.inject({ kind: 'connection_reset' }, `/${ACCOUNT.id}/media_publish`);
      await failure(adapter.publish(channel(), ours));
      expect(emu.posts).toHaveLength(1);
      expect(await adapter.findPublished(channel(), ours, since)).toBeNull();
      expect((await adapter.findPublished(channel(), published, since))?.externalId).toBe(emu.posts[0].id);
    });

    it('waits minutes for a container, not a fixed number of reads (maxWaitMs bounds it)', async () => {
      const patient = new InstagramAdapter({ baseUrl: `${emu.url}/v20.0`, timeoutMs: 400, pollIntervalMs: 1, maxWaitMs: 60_000 });
      emu.inject({ kind: 'container_in_progress', polls: 12 }, 'container');
      await patient.publish(channel(), request());
      expect(statusReads()).toBe(13);
      expect(emu.posts).toHaveLength(1);
      const hasty = new InstagramAdapter({ baseUrl: `${emu.url}/v20.0`, timeoutMs: 400, pollIntervalMs: 50, maxWaitMs: 100 });
      emu.inject({ kind: 'container_in_progress', polls: 50 }, 'container');
      expect(await failure(hasty.publish(channel(), request()))).toMatchObject({ kind: 'transient', options: { networkCode: 'IN_PROGRESS' } });
      expect(emu.posts).toHaveLength(1);
    });
  });

  it('reads followers_count and media_count', async () => {
    expect(await adapter.readFollowers(channel())).toEqual({ followers: 1523, posts: 87 });
    await adapter.publish(channel(), request());
    emu.setFollowers(ACCOUNT.id, 1600);
    expect(await adapter.readFollowers(channel())).toEqual({ followers: 1600, posts: 88 });
  });
});

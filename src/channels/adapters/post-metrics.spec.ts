import { BlueskyEmulator, plcDid } from '../../../test/emulators/bluesky.emulator';
import { MastodonEmulator } from '../../../test/emulators/mastodon.emulator';
import { XEmulator } from '../../../test/emulators/x.emulator';
import { MediaFetcher } from '../media/media-fetcher.types';
import { BlueskyAdapter } from './bluesky/bluesky.adapter';
import { readFacebookPostMetrics } from './facebook/facebook-post-metrics';
import { readInstagramPostMetrics } from './instagram/instagram-post-metrics';
import { readLinkedInPostMetrics } from './linkedin/linkedin-post-metrics';
import { MastodonAdapter } from './mastodon/mastodon.adapter';
import { ChannelContext, NetworkError, PublishRequest } from './network-adapter';
import { countOf } from './post-metrics';
import { XAdapter } from './x/x.adapter';

const fetcher: MediaFetcher = { fetch: async () => ({ bytes: Buffer.alloc(10), contentType: 'image/png' }) };
let seq = 0;
const request = (): PublishRequest => ({ deliveryId: `d-${++seq}`, idempotencyKey: `metrics-key-${seq}-${Math.random()}`, text: `Publication ${seq}`, media: [], link: null });

describe('per-post figures read through the adapters from the emulators', () => {
  it('X: public_metrics, with link clicks and reach not available', async () => {
    const emu = await new XEmulator({ accounts: [{ id: '2001', username: 'costo', token: 'xt', refreshToken: 'xr', followers: 1, tweetCount: 0 }], clientId: 'c' }).start(0);
    try {
      const adapter = new XAdapter({ baseUrl: emu.url, timeoutMs: 2000, clientId: 'c', clientSecret: 's', mediaFetcher: fetcher });
      const channel: ChannelContext = { channelId: 'x1', network: 'x', handle: '@costo', externalId: '2001', instanceUrl: null, credentials: { accessToken: 'xt', refreshToken: 'xr' } };
      const post = await adapter.publish(channel, request());
      emu.postInteractions.set(post.externalId, { views: 1200, likes: 30, reposts: 4, replies: 2, quotes: 1, bookmarks: 3 });
      const reading = await adapter.readPostMetrics(channel, post);
      expect(reading.metrics).toEqual({ views: 1200, reach: null, likes: 30, reposts: 4, replies: 2, quotes: 1, linkClicks: null, videoViews: null, saves: 3 });
      expect(reading.source).toMatch(/\/2\/tweets/);
      // A post X no longer shows is an error, never a row of zeros.
      const gone = await adapter.readPostMetrics(channel, { ...post, externalId: '999999' }).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(NetworkError);
      expect((gone as NetworkError).kind).toBe('content');
    } finally {
      await emu.close();
    }
  });

  it('Mastodon: favourites, boosts, replies and quotes; no views', async () => {
    const emu = await new MastodonEmulator({ accounts: [{ id: '77', username: 'costo', token: 'mt' }] }).start();
    try {
      const adapter = new MastodonAdapter({ mediaFetcher: fetcher, timeoutMs: 2000 });
      const channel: ChannelContext = { channelId: 'm1', network: 'mastodon', handle: '@costo', externalId: '77', instanceUrl: emu.url, credentials: { accessToken: 'mt' } };
      const post = await adapter.publish(channel, request());
      emu.postInteractions.set(post.externalId, { likes: 12, reposts: 5, replies: 3 });
      const reading = await adapter.readPostMetrics(channel, post);
      expect(reading.metrics).toMatchObject({ views: null, reach: null, likes: 12, reposts: 5, replies: 3, quotes: 0, linkClicks: null });
      const gone = await adapter.readPostMetrics(channel, { ...post, externalId: '123' }).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(NetworkError);
    } finally {
      await emu.close();
    }
  });

  it('Bluesky: likes, reposts, replies and quotes from getPosts; no views', async () => {
    const did = plcDid('costometrics');
    const emu = await new BlueskyEmulator({ accounts: [{ did, handle: 'costo.bsky.social', password: 'pw' }] }).start();
    try {
      const adapter = new BlueskyAdapter({ baseUrl: emu.url, plcDirectoryUrl: emu.url, allowPrivateHosts: true, timeoutMs: 2000, mediaFetcher: fetcher });
      const channel: ChannelContext = { channelId: 'b1', network: 'bluesky', handle: 'costo.bsky.social', externalId: did, instanceUrl: null, credentials: { identifier: 'costo.bsky.social', appPassword: 'pw' } };
      const post = await adapter.publish(channel, request());
      emu.postInteractions.set(post.externalId, { likes: 9, reposts: 2, replies: 1, quotes: 4 });
      const reading = await adapter.readPostMetrics(channel, post);
      expect(reading.metrics).toMatchObject({ views: null, reach: null, likes: 9, reposts: 2, replies: 1, quotes: 4 });
      const gone = await adapter.readPostMetrics(channel, { ...post, externalId: `at://${did}/app.bsky.feed.post/3kzzzzzzzzzzz` }).catch((e: unknown) => e);
      expect((gone as NetworkError).kind).toBe('content');
    } finally {
      await emu.close();
    }
  });
});

describe('per-post figures from canned network answers', () => {
  const post = { externalId: '123_456', url: null, publishedAt: new Date('2026-03-02T10:00:00Z') };

  it('Facebook: counts from the post fields, views and reach from insights, a refused insight left not available', async () => {
    const answers: Record<string, unknown> = {
      '/123_456': { shares: { count: 3 }, reactions: { summary: { total_count: 40 } }, comments: { summary: { total_count: 6 } } },
      '/123_456/insights': { data: [{ name: 'post_impressions', values: [{ value: 900 }] }, { name: 'post_impressions_unique', values: [{ value: 700 }] }] },
    };
    const reading = await readFacebookPostMetrics(async (path) => answers[path], post);
    expect(reading.metrics).toMatchObject({ views: 900, reach: 700, likes: 40, replies: 6, reposts: 3, quotes: null });
    const refused = await readFacebookPostMetrics(async (path) => {
      if (path.endsWith('/insights')) throw new NetworkError('content', '(#100) The value must be a valid insights metric');
      return { reactions: { summary: { total_count: 2 } } };
    }, post);
    expect(refused.metrics).toMatchObject({ views: null, reach: null, likes: 2, replies: null, reposts: null });
    await expect(readFacebookPostMetrics(async (path) => {
      if (path.endsWith('/insights')) throw new NetworkError('rate_limited', 'limit');
      return {};
    }, post)).rejects.toMatchObject({ kind: 'rate_limited' });
  });

  it('Instagram: a metric missing from the insights answer stays not available', async () => {
    const reading = await readInstagramPostMetrics(async () => ({ data: [{ name: 'views', values: [{ value: 500 }] }, { name: 'likes', values: [{ value: 20 }] }, { name: 'saved', total_value: { value: 4 } }] }), post);
    expect(reading.metrics).toEqual({ views: 500, reach: null, likes: 20, reposts: null, replies: null, quotes: null, linkClicks: null, videoViews: null, saves: 4 });
  });

  it('LinkedIn: organization share statistics; a member post has none', async () => {
    const asked: Array<Record<string, string>> = [];
    const get = async (_url: string, params: Record<string, string>) => {
      asked.push(params);
      return { elements: [{ totalShareStatistics: { impressionCount: 1500, uniqueImpressionsCount: 1100, clickCount: 45, likeCount: 33, commentCount: 5, shareCount: 2, engagement: 0.05 } }] };
    };
    const org = await readLinkedInPostMetrics('urn:li:organization:42', get, { ...post, externalId: 'urn:li:share:777' });
    expect(org.metrics).toMatchObject({ views: 1500, reach: 1100, linkClicks: 45, likes: 33, replies: 5, reposts: 2, quotes: null });
    expect(asked[0]).toEqual({ q: 'organizationalEntity', organizationalEntity: 'urn:li:organization:42', shares: 'List(urn:li:share:777)' });
    const member = await readLinkedInPostMetrics('urn:li:person:abc', get, { ...post, externalId: 'urn:li:share:778' });
    expect(Object.values(member.metrics).every((v) => v === null)).toBe(true);
    expect(asked).toHaveLength(1);
  });

  it('takes only whole non-negative counts', () => {
    expect([countOf(3), countOf('12'), countOf(0), countOf(-1), countOf(1.5), countOf(undefined), countOf('n/a')]).toEqual([3, 12, 0, null, null, null, null]);
  });
});

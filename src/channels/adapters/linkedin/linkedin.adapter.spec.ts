import { GHOST_URN, LinkedInEmulator } from '../../../../test/emulators/linkedin.emulator';
import { MediaFetcher } from '../../media/media-fetcher.types';
import { ChannelContext, NetworkError, PublishRequest } from '../network-adapter';
import { LINKEDIN_ACCESS_TOKEN_TTL_MS, LinkedInAdapter, restliQuery, withLinkedInExpiry } from './linkedin.adapter';
import { nextMidnightUtc } from './linkedin-commentary';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const fetcher: MediaFetcher = { fetch: async () => ({ bytes: png, contentType: 'image/png' }) };
const ORG = 'urn:li:organization:2414183';
const MEMBER = 'urn:li:person:abc123';

async function failure(promise: Promise<unknown>): Promise<NetworkError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(NetworkError);
  return err as NetworkError;
}

describe('restliQuery', () => {
  it('encodes URNs, inside List(…) too, and keeps the List syntax', () => {
    expect(restliQuery({ q: 'organizationalEntity', organizationalEntity: ORG, shares: 'List(urn:li:share:1,urn:li:share:2)', count: 50, skip: undefined })).toBe(
      'q=organizationalEntity&organizationalEntity=urn%3Ali%3Aorganization%3A2414183&shares=List(urn%3Ali%3Ashare%3A1,urn%3Ali%3Ashare%3A2)&count=50',
    );
  });
});

describe('LinkedIn connections: refresh where granted, else a known 60-day expiry', () => {
  const emulator = new LinkedInEmulator({
    accounts: [
      { urn: 'urn:li:organization:501', token: 'li-501', refreshToken: 'li-refresh-501' },
      { urn: 'urn:li:organization:502', token: 'li-502' },
    ],
    clientId: 'chorus-li',
    clientSecret: 'li-secret',
  });
  let adapter: LinkedInAdapter;
  const channel = (urn: string, credentials: ChannelContext['credentials']): ChannelContext => ({
    channelId: urn, network: 'linkedin', handle: 'Page', externalId: urn, instanceUrl: null, credentials,
  });
  beforeAll(async () => {
    await emulator.start();
    adapter = new LinkedInAdapter({ baseUrl: emulator.url, version: '202607', mediaFetcher: fetcher, oauthBaseUrl: emulator.url, clientId: 'chorus-li', clientSecret: 'li-secret' });
  });
  afterAll(() => emulator.close());

  it('renews an access token with the refresh token: the new one publishes, the old one no longer does, expiry 60 days on', async () => {
    const before = Date.now();
    const old = channel('urn:li:organization:501', { accessToken: 'li-501', refreshToken: 'li-refresh-501' });
    const renewed = await adapter.refreshCredentials(old);
    expect(renewed.accessToken).not.toBe('li-501');
    expect(renewed.refreshToken).toBe('li-refresh-501');
    expect(renewed.expiresAt).toBeGreaterThanOrEqual(before + LINKEDIN_ACCESS_TOKEN_TTL_MS);
    const err = await failure(adapter.publish(old, { deliveryId: 'r1', idempotencyKey: 'r1', text: 'Avant', media: [], link: null }));
    expect(err.kind).toBe('auth');
    await adapter.publish({ ...old, credentials: renewed }, { deliveryId: 'r2', idempotencyKey: 'r2', text: 'Après', media: [], link: null });
    expect(emulator.posts.map((p) => p.text)).toEqual(['Après']);
  });

  it('without a refresh token, asks for a reconnection (auth), naming the 60 days', async () => {
    const err = await failure(adapter.refreshCredentials(channel('urn:li:organization:502', { accessToken: 'li-502' })));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/60 days.*Reconnect/);
  });

  it('a refused refresh is auth too', async () => {
    const err = await failure(adapter.refreshCredentials(channel('urn:li:organization:501', { accessToken: 'x', refreshToken: 'not-a-refresh-token' })));
    expect(err.kind).toBe('auth');
  });

  it('stamps credentials stored without an expiry with LinkedIn\'s 60 days, and keeps a stated one', () => {
    expect(withLinkedInExpiry({ accessToken: 't' }, 1_000)).toEqual({ accessToken: 't', expiresAt: 1_000 + LINKEDIN_ACCESS_TOKEN_TTL_MS });
    expect(withLinkedInExpiry({ accessToken: 't', expiresAt: 5 }, 1_000)).toEqual({ accessToken: 't', expiresAt: 5 });
  });
});

describe('LinkedInAdapter against the LinkedIn emulator', () => {
  const emulator = new LinkedInEmulator({
    accounts: [
      { urn: ORG, token: 'li-org-token', followers: 4821 },
      { urn: MEMBER, token: 'li-member-token' },
    ],
    oldestActiveVersion: '202401',
  });
  let adapter: LinkedInAdapter;
  let page: ChannelContext;
  let member: ChannelContext;
  let n = 0;
  const request = (over: Partial<PublishRequest> = {}): PublishRequest => ({
    deliveryId: `d-${++n}`,
    idempotencyKey: `li-${n}`,
    text: `Speed dating (commerçants × partenaires) #CoSto @Simplon n°${n} 🎉`,
    media: [],
    link: 'https://costo.example/speed-dating',
    ...over,
  });

  beforeAll(async () => {
    await emulator.start();
    adapter = new LinkedInAdapter({ baseUrl: emulator.url, version: '202405', mediaFetcher: fetcher, timeoutMs: 300 });
    page = { channelId: 'li-1', network: 'linkedin', handle: 'SEMAEST', externalId: ORG, instanceUrl: null, credentials: { accessToken: 'li-org-token' } };
    member = { channelId: 'li-2', network: 'linkedin', handle: 'Jeanne', externalId: MEMBER, instanceUrl: null, credentials: { accessToken: 'li-member-token' } };
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.clearFaults());

  it('posts with the version and Rest.li headers, escaped commentary, and reads the id from x-restli-id', async () => {
    const req = request();
    const post = await adapter.publish(page, req);
    const sent = emulator.requests[emulator.requests.length - 1];
    expect(sent.path).toBe('/rest/posts');
    expect(sent.headers['linkedin-version']).toBe('202405');
    expect(sent.headers['x-restli-protocol-version']).toBe('2.0.0');
    expect(sent.headers.authorization).toBe('Bearer li-org-token');
    expect(sent.body).toEqual({
      author: ORG,
      commentary: `Speed dating \\(commerçants × partenaires\\) #CoSto \\@Simplon n°${n} 🎉`,
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    });
    const stored = emulator.posts[emulator.posts.length - 1];
    expect(post.externalId).toBe(stored.id);
    expect(post.url).toBe(`https://www.linkedin.com/feed/update/${stored.id}`);
    expect(stored.text).toBe(req.text);
    expect(stored.extra).toMatchObject({ hashtags: ['CoSto'], mentions: [], truncated: false });
  });

  it('sends mentions and hashtags as little-text markup and escapes every other reserved character', async () => {
    const text = `Avec @[Tudigo (Paris)](urn:li:organization:99) et #Commerce_local* ~ {ok} <3 | a\\b n°${n + 1}\nhttps://chorus.example/l/Ab3_x?a=(1)#frag`;
    const req = request({ text, link: 'https://chorus.example/l/Ab3_x?a=(1)#frag' });
    await adapter.publish(page, req);
    const sent = emulator.requests[emulator.requests.length - 1].body as { commentary: string };
    expect(sent.commentary).toContain('@[Tudigo \\(Paris\\)](urn:li:organization:99)');
    expect(sent.commentary).toContain('#Commerce\\_local\\* \\~ \\{ok\\} \\<3 \\| a\\\\b');
    const stored = emulator.posts[emulator.posts.length - 1];
    // Byte for byte what was approved: nothing cut at a stray reserved character, nothing appended.
    expect(stored.text).toBe(text);
    expect(stored.extra).toMatchObject({ mentions: ['urn:li:organization:99'], hashtags: ['Commerce'], truncated: false });
  });

  it('uploads an image with initializeUpload then PUT, and attaches its URN', async () => {
    const before = emulator.requests.length;
    await adapter.publish(page, request({ media: [{ url: 'https://cdn.example/a.png', type: 'image', altText: 'Affiche' }] }));
    const calls = emulator.requests.slice(before);
    expect(calls.map((c) => `${c.method} ${c.path.replace(/C4E10AQ\d+/, ':id')}`)).toEqual(['POST /rest/images', 'PUT /dms-uploads/:id', 'POST /rest/posts']);
    expect(calls[0].body).toEqual({ initializeUploadRequest: { owner: ORG } });
    expect((calls[1].body as Buffer).equals(png)).toBe(true);
    expect((calls[2].body as { content: { media: { id: string } } }).content.media.id).toMatch(/^urn:li:image:C4E10AQ/);
  });

  it('maps 429 to rate_limited until the next midnight UTC', async () => {
    emulator.inject({ kind: 'rate_limit' });
    const err = await failure(adapter.publish(page, request()));
    expect(err).toMatchObject({ kind: 'rate_limited', options: { networkCode: '101', httpStatus: 429 } });
    const expected = nextMidnightUtc(new Date());
    expect([expected.getTime(), expected.getTime() + 86_400_000]).toContain(err.options.retryAt?.getTime()); // the test may straddle midnight
    expect(nextMidnightUtc(new Date('2024-06-01T23:59:59Z')).toISOString()).toBe('2024-06-02T00:00:00.000Z');
  });

  it.each([
    ['expired_token', '65600', /expired/],
    ['revoked_token', '65601', /revoked/],
  ])('maps %s to auth', async (kind, code, message) => {
    emulator.inject({ kind });
    const err = await failure(adapter.publish(page, request()));
    expect(err).toMatchObject({ kind: 'auth', options: { networkCode: code, httpStatus: 401 } });
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('li-org-token');
  });

  it('maps an unknown token to auth', async () => {
    const err = await failure(adapter.readFollowers({ ...page, credentials: { accessToken: 'nope' } }));
    expect(err).toMatchObject({ kind: 'auth', options: { networkCode: '65600' } });
  });

  it('maps the same commentary posted twice to content with duplicateOf the original', async () => {
    const req = request();
    const first = await adapter.publish(page, req);
    const err = await failure(adapter.publish(page, { ...req, idempotencyKey: 'another' }));
    expect(err.kind).toBe('content');
    expect(err.options.networkCode).toBe('DUPLICATE_POST');
    expect(err.options.duplicateOf?.externalId).toBe(first.externalId);
    expect(Math.abs(err.options.duplicateOf!.publishedAt.getTime() - first.publishedAt.getTime())).toBeLessThan(60_000);
    expect(emulator.posts.filter((p) => p.id === first.externalId)).toHaveLength(1);
  });

  it('does not claim a deleted ("ghost") original as published', async () => {
    emulator.inject({ kind: 'duplicate' });
    const err = await failure(adapter.publish(member, request()));
    expect(err).toMatchObject({ kind: 'content', options: { networkCode: 'DUPLICATE_POST' } });
    expect(err.options.duplicateOf).toBeUndefined();
    expect(err.message).toMatch(/deleted/);
    expect(GHOST_URN).toMatch(/^urn:li:share:/);
  });

  it('maps a retired LinkedIn-Version (426) to unknown, telling the manager in plain words what to ask for', async () => {
    const old = new LinkedInAdapter({ baseUrl: emulator.url, version: '202301', mediaFetcher: fetcher });
    const err = await failure(old.publish(page, request()));
    expect(err).toMatchObject({ kind: 'unknown', options: { networkCode: 'NONEXISTENT_VERSION', httpStatus: 426 } });
    expect(err.message).toMatch(/version 202301, which LinkedIn no longer serves/);
    expect(err.message).toMatch(/Nothing was published/);
    expect(err.message).toMatch(/LINKEDIN_API_VERSION/);
  });

  it('is refused like LinkedIn refuses a sunset version, by the calendar (a year after its month), and served otherwise', async () => {
    const dated = new LinkedInEmulator({ accounts: [{ urn: ORG, token: 'li-org-token' }], clock: () => Date.parse('2026-12-07T10:00:00Z') });
    await dated.start();
    try {
      const sunset = await failure(new LinkedInAdapter({ baseUrl: dated.url, version: '202505', mediaFetcher: fetcher }).publish(page, request()));
      expect(sunset.options.httpStatus).toBe(426);
      const lastMonth = await failure(new LinkedInAdapter({ baseUrl: dated.url, version: '202511', mediaFetcher: fetcher }).publish(page, request()));
      expect(lastMonth.options.httpStatus).toBe(426);
      const future = await failure(new LinkedInAdapter({ baseUrl: dated.url, version: '202701', mediaFetcher: fetcher }).publish(page, request()));
      expect(future.options.httpStatus).toBe(426);
      await new LinkedInAdapter({ baseUrl: dated.url, version: '202607', mediaFetcher: fetcher }).publish(page, request());
      expect(dated.posts).toHaveLength(1);
    } finally {
      await dated.close();
    }
  });

  it('sends the author URN URL-encoded in the finder query (the emulator refuses it raw, as Rest.li 2.0 does)', async () => {
    const req = request();
    await adapter.publish(page, req);
    const before = emulator.requests.length;
    expect(await adapter.findPublished(page, req, new Date(Date.now() - 60_000))).not.toBeNull();
    const raw = await fetch(`${emulator.url}/rest/posts?q=author&author=${ORG}`, {
      headers: { authorization: 'Bearer li-org-token', 'linkedin-version': '202405', 'x-restli-protocol-version': '2.0.0' },
    });
    expect(raw.status).toBe(400);
    expect(emulator.requests.length).toBeGreaterThan(before);
  });

  it('maps a too-long commentary to content', async () => {
    const err = await failure(adapter.publish(page, request({ text: 'a'.repeat(3001), link: null })));
    expect(err.kind).toBe('content');
    expect(err.message).toMatch(/3000/);
  });

  it.each([
    [{ kind: 'server_error', status: 503 }, 503],
    [{ kind: 'server_error', status: 502, html: true }, 502],
  ])('maps %j to transient, maybe committed', async (fault, status) => {
    emulator.inject(fault);
    const err = await failure(adapter.publish(page, request()));
    expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true, httpStatus: status } });
  });

  it('finds an organisation post committed before a 5xx, and null for one that never went out', async () => {
    const since = new Date(Date.now() - 1000);
    const req = request();
    emulator.inject({ kind: 'server_error_after_commit' });
    await failure(adapter.publish(page, req));
    const stored = emulator.posts[emulator.posts.length - 1];
    const found = await adapter.findPublished(page, req, since);
    expect(found?.externalId).toBe(stored.id);
    expect(await adapter.findPublished(page, request(), since)).toBeNull();
    const finder = emulator.requests[emulator.requests.length - 1];
    expect(finder.headers['x-restli-method']).toBe('FINDER');
  });

  it('cannot check a member profile: unknown; a retry then gets the duplicate with the original', async () => {
    const req = request();
    emulator.inject({ kind: 'connection_reset', afterCommit: true });
    expect(await failure(adapter.publish(member, req))).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
    expect(await failure(adapter.findPublished(member, req, new Date(Date.now() - 1000)))).toMatchObject({ kind: 'unknown' });
    const retry = await failure(adapter.publish(member, req));
    expect(retry.options.duplicateOf?.externalId).toBe(emulator.posts[emulator.posts.length - 1].id);
  });

  it('maps a reset before the commit and a hang to transient, maybe committed', async () => {
    const before = emulator.posts.length;
    emulator.inject({ kind: 'connection_reset' });
    expect(await failure(adapter.publish(page, request()))).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
    expect(emulator.posts.length).toBe(before);
    emulator.inject({ kind: 'hang', ms: 5000 });
    const err = await failure(adapter.publish(page, request()));
    expect(err).toMatchObject({ kind: 'transient', options: { maybeCommitted: true } });
    expect(err.message).toMatch(/too long/);
  });

  it('reads organisation followers from networkSizes, and "not available" for a member', async () => {
    emulator.followers.set(ORG, 5000);
    expect(await adapter.readFollowers(page)).toEqual({ followers: 5000, posts: null });
    const sent = emulator.requests[emulator.requests.length - 1];
    expect(sent.path).toBe(`/rest/networkSizes/${encodeURIComponent(ORG)}`); // URN url-encoded, as the doc says
    const before = emulator.requests.length;
    expect(await adapter.readFollowers(member)).toEqual({ followers: null, posts: null });
    expect(emulator.requests.length).toBe(before);
  });
});

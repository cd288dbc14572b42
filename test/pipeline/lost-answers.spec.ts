import { BlueskyEmulator } from '../emulators/bluesky.emulator';
import { BaseEmulator, EmulatedPost, Fault } from '../emulators/emulator';
import { FacebookEmulator } from '../emulators/facebook.emulator';
import { InstagramEmulator } from '../emulators/instagram.emulator';
import { LinkedInEmulator } from '../emulators/linkedin.emulator';
import { MastodonEmulator } from '../emulators/mastodon.emulator';
import { XEmulator } from '../emulators/x.emulator';
import { anEmulatedAccount, EmulatedAccount, EmulatedNetwork } from '../support/builders';
import { usePrivateRedisPrefix } from '../support/pipeline-fixtures';
import { acceptedCounts, Pipeline, startPipeline, waitForStatus } from './pipeline-harness';

/** The adapters' timeout in this file (usePrivateRedisPrefix's default, written out because the faults depend on it). */
const NETWORK_TIMEOUT_MS = 4_000;
usePrivateRedisPrefix({ NETWORK_TIMEOUT_MS: String(NETWORK_TIMEOUT_MS), PUBLISH_RECHECK_MS: '7000' });

/**
 * Exactly once when a network applied a request whose answer Chorus never got (issue 15, point 3),
 * on every network's emulator, through the real pipeline (API, Postgres, BullMQ, worker, adapters):
 * - applied after the timeout: the emulator holds the create call past the adapter's timeout and
 *   only then stores the post, so a look made at once finds nothing;
 * - applied, then 5xx: the post is stored and the answer is a server error.
 * Each ends with one post on the emulator and the delivery `published` with that post's id.
 */
describe('lost answers: exactly once when the network applied a request whose answer was lost', () => {
  let p: Pipeline;
  let campaignId: string;
  let partnerId: string;
  let n = 0;
  const ids = Array.from({ length: 60 }, (_, i) => i + 1);
  const x = new XEmulator({ accounts: [], clientId: 'chorus-client' });
  const facebook = new FacebookEmulator({ pages: [] });
  const instagram = new InstagramEmulator({ accounts: [] });
  const mastodon = new MastodonEmulator({ accounts: [] });
  // These two take their accounts up front: every number a test may use, as organisation and as member.
  const linkedin = new LinkedInEmulator({
    accounts: ids.flatMap((i) => [anEmulatedAccount('linkedin', i).build(), anEmulatedAccount('linkedin', i).asMember().build()]).map((a) => ({ urn: a.externalId, token: a.token })),
  });
  const bluesky = new BlueskyEmulator({
    accounts: ids.map((i) => anEmulatedAccount('bluesky', i).build()).map((a) => ({ did: a.externalId, handle: a.handle, password: a.password })),
  });
  const emulators: Record<EmulatedNetwork, BaseEmulator> = { x, facebook, instagram, linkedin, mastodon, bluesky };
  // Instagram's emulator fetches images as Meta does: it serves a 4:5 JPEG itself.
  const image = () => ({ url: `${instagram.url}/_emulator/image?w=1080&h=1350`, type: 'image' as const, altText: 'La Halle Pajol' });

  beforeAll(async () => {
    await Promise.all(Object.values(emulators).map((e) => e.start()));
    process.env.X_API_BASE_URL = x.url;
    process.env.X_CLIENT_ID = 'chorus-client';
    process.env.FACEBOOK_API_BASE_URL = `${facebook.url}/v20.0`;
    process.env.INSTAGRAM_API_BASE_URL = `${instagram.url}/v20.0`;
    process.env.LINKEDIN_API_BASE_URL = linkedin.url;
    process.env.BLUESKY_API_BASE_URL = bluesky.url;
    process.env.BLUESKY_PLC_DIRECTORY_URL = bluesky.url;
    p = await startPipeline();
    campaignId = await p.fixtures.campaign();
    partnerId = await p.fixtures.partner();
  });

  afterAll(async () => {
    await p?.close();
    await Promise.all(Object.values(emulators).map((e) => e.close()));
  });

  afterEach(() => Object.values(emulators).forEach((e) => e.clearFaults()));

  /** A fresh account on the network's emulator and its channel. */
  async function account(network: EmulatedNetwork, member = false): Promise<{ account: EmulatedAccount; channelId: string }> {
    const builder = anEmulatedAccount(network, ++n);
    if (member) builder.asMember();
    if (network === 'mastodon') builder.on(mastodon.url);
    const a = builder.build();
    if (network === 'x') x.addAccount({ id: a.externalId, username: a.handle.slice(1), token: a.token, refreshToken: a.channel.credentials.refreshToken });
    if (network === 'facebook') facebook.addPage({ id: a.externalId, token: a.token });
    if (network === 'instagram') instagram.addAccount({ id: a.externalId, username: a.handle.slice(1), token: a.token });
    if (network === 'mastodon') mastodon.addAccount({ id: a.externalId, username: a.handle.slice(1), token: a.token });
    const [channelId] = await p.fixtures.channels(partnerId, [a.channel]);
    return { account: a, channelId };
  }

  /** One approved delivery on the channel, due now, handed to the queue. */
  async function deliver(network: EmulatedNetwork, channelId: string): Promise<{ deliveryId: string; text: string }> {
    const r = await p.fixtures.release({
      campaignId, channelIds: [channelId], posts: 1, dueAt: new Date(Date.now() + 300), tag: `lost-${network}-${n}-${Date.now()}`,
      media: network === 'instagram' ? [image()] : [],
    });
    await p.scheduler.enqueue(r.deliveryIds);
    return { deliveryId: r.deliveryIds[0], text: [...r.texts.values()][0] };
  }

  function postsWith(emulator: BaseEmulator, text: string): EmulatedPost[] {
    const count = acceptedCounts(emulator, [text]).get(text) ?? 0;
    const matching = emulator.posts.filter((post) => post.text === text || post.text.startsWith(text + '\n') || post.text.startsWith(text + ' '));
    expect(matching).toHaveLength(count);
    return matching;
  }

  type Case = { name: string; network: EmulatedNetwork; member?: boolean };
  const cases: Case[] = [
    { name: 'x', network: 'x' },
    { name: 'facebook', network: 'facebook' },
    { name: 'instagram', network: 'instagram' },
    { name: 'linkedin page', network: 'linkedin' },
    { name: 'linkedin member (posts cannot be listed)', network: 'linkedin', member: true },
    { name: 'mastodon', network: 'mastodon' },
    { name: 'bluesky', network: 'bluesky' },
  ];
  const faults: Array<{ name: string; fault: Fault; looksLater: boolean }> = [
    // Nothing is there when the answer is lost: only a look after the recheck delay can find the post.
    { name: 'applied after the timeout', fault: { kind: 'applied_after_timeout', ms: NETWORK_TIMEOUT_MS + 1_500 }, looksLater: true },
    // The post is there when the 5xx comes: a look at once (or Bluesky's own getRecord) may settle it.
    { name: 'applied, then 5xx', fault: { kind: 'server_error_after_commit', status: 500 }, looksLater: false },
  ];

  describe.each(faults)('$name', ({ fault, looksLater }) => {
    it.each(cases)('$name: one post on the network, the delivery published with its id', async ({ network, member }) => {
      const { channelId } = await account(network, member);
      emulators[network].inject(fault, 'publish', 1);
      const d = await deliver(network, channelId);

      const row = await waitForStatus(p, d.deliveryId, 'published', 45_000);
      const posts = postsWith(emulators[network], d.text);
      expect(posts).toHaveLength(1);
      expect(row.external_id).toBe(posts[0].id);
      expect(row.external_url).toBeTruthy();
      // The lost answer is remembered: the attempt that settled it looked first.
      if (looksLater) expect(row.uncertain_since).not.toBeNull();
    });
  });

  it('instagram: a later attempt publishes the container of the attempt whose answer was lost instead of creating another', async () => {
    const { account: a, channelId } = await account('instagram');
    // media_publish is never applied and never answered: the retry finds no media and must reuse the container.
    instagram.inject({ kind: 'hang', ms: NETWORK_TIMEOUT_MS + 1_000 }, 'publish', 1);
    const d = await deliver('instagram', channelId);

    const row = await waitForStatus(p, d.deliveryId, 'published', 45_000);
    const posts = postsWith(instagram, d.text);
    expect(posts).toHaveLength(1);
    expect(row.external_id).toBe(posts[0].id);
    const containers = instagram.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/${a.externalId}/media`));
    expect(containers).toHaveLength(1);
    expect(row.attempt_refs).toEqual([posts[0].extra?.containerId]);
  });

  it('linkedin member: attempts that keep losing their answers end published by the duplicate answer, never failed', async () => {
    const { channelId } = await account('linkedin', true);
    // The first attempt is stored then answered 500; the second is refused at once (503, nothing stored).
    linkedin.inject({ kind: 'server_error_after_commit', status: 500 }, 'publish', 1);
    linkedin.inject({ kind: 'server_error', status: 503 }, 'publish', 1);
    const d = await deliver('linkedin', channelId);

    const row = await waitForStatus(p, d.deliveryId, 'published', 90_000);
    const posts = postsWith(linkedin, d.text);
    expect(posts).toHaveLength(1);
    expect(row.external_id).toBe(posts[0].id);
  });
});

import { BlueskyEmulator, plcDid } from '../emulators/bluesky.emulator';
import { BaseEmulator, Fault } from '../emulators/emulator';
import { FacebookEmulator } from '../emulators/facebook.emulator';
import { InstagramEmulator } from '../emulators/instagram.emulator';
import { LinkedInEmulator } from '../emulators/linkedin.emulator';
import { XEmulator } from '../emulators/x.emulator';
import { ChannelSpec, usePrivateRedisPrefix, waitFor } from '../support/pipeline-fixtures';
import { acceptedCounts, Pipeline, startPipeline, waitForStatus } from './pipeline-harness';

usePrivateRedisPrefix();

/**
 * The same pipeline on every other network's emulator (Mastodon has its own file), pointed at
 * through the *_API_BASE_URL variables set before the app starts.
 */
describe('publishing pipeline on every network', () => {
  let p: Pipeline;
  let campaignId: string;
  let partnerId: string;
  let n = 0;
  const x = new XEmulator({ accounts: [], clientId: 'chorus-client' });
  const facebook = new FacebookEmulator({ pages: [] });
  const instagram = new InstagramEmulator({ accounts: [] });
  // These two emulators take their accounts up front: one per channel the tests may create.
  const ids = Array.from({ length: 80 }, (_, i) => i + 1);
  const linkedin = new LinkedInEmulator({ accounts: ids.map((id) => ({ urn: `urn:li:organization:${id}`, token: `li${id}` })), oldestActiveVersion: '202401' });
  const bluesky = new BlueskyEmulator({ accounts: ids.map((id) => ({ did: plcDid(`acc${id}`), handle: `acc${id}.bsky.social`, password: `pw${id}` })) });
  // Instagram's emulator fetches images as Meta does: it serves a 4:5 JPEG itself.
  const image = () => ({ url: `${instagram.url}/_emulator/image?w=1080&h=1350`, type: 'image' as const, altText: 'La Halle Pajol' });

  type Net = 'x' | 'facebook' | 'instagram' | 'linkedin' | 'bluesky' | 'sandbox';
  const emulators: Record<Exclude<Net, 'sandbox'>, BaseEmulator> = { x, facebook, instagram, linkedin, bluesky };

  beforeAll(async () => {
    await Promise.all(Object.values(emulators).map((e) => e.start()));
    process.env.X_API_BASE_URL = x.url;
    process.env.X_CLIENT_ID = 'chorus-client';
    process.env.FACEBOOK_API_BASE_URL = facebook.url;
    process.env.INSTAGRAM_API_BASE_URL = instagram.url;
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

  /** A fresh account on the network's emulator, and its channel. */
  async function channel(net: Net): Promise<string> {
    const id = ++n;
    let spec: ChannelSpec;
    switch (net) {
      case 'x':
        x.addAccount({ id: `${9000 + id}`, username: `x${id}`, token: `xt${id}`, refreshToken: `xr${id}` });
        spec = { network: 'x', externalId: `${9000 + id}`, handle: `@x${id}`, credentials: { accessToken: `xt${id}`, refreshToken: `xr${id}` } };
        break;
      case 'facebook':
        facebook.addPage({ id: `5463${id}`, token: `fb${id}` });
        spec = { network: 'facebook', externalId: `5463${id}`, credentials: { accessToken: `fb${id}` } };
        break;
      case 'instagram':
        instagram.addAccount({ id: `1784${id}`, username: `ig${id}`, token: `ig${id}` });
        spec = { network: 'instagram', externalId: `1784${id}`, credentials: { accessToken: `ig${id}` } };
        break;
      case 'linkedin':
        spec = { network: 'linkedin', externalId: `urn:li:organization:${id}`, credentials: { accessToken: `li${id}` } };
        break;
      case 'bluesky':
        spec = { network: 'bluesky', externalId: plcDid(`acc${id}`), handle: `acc${id}.bsky.social`, credentials: { identifier: `acc${id}.bsky.social`, appPassword: `pw${id}` } };
        break;
      case 'sandbox':
        spec = { network: 'sandbox', externalId: `sb${id}`, handle: `sandbox${id}` };
        break;
    }
    const [channelId] = await p.fixtures.channels(partnerId, [spec]);
    return channelId;
  }

  async function publishOne(net: Net, fault?: { fault: Fault; on?: string }) {
    const ch = await channel(net);
    if (fault && net !== 'sandbox') emulators[net].inject(fault.fault, fault.on ?? 'publish', 1);
    const r = await p.fixtures.release({
      campaignId, channelIds: [ch], posts: 1, dueAt: new Date(Date.now() + 300), tag: `${net}-${n}-${Date.now()}`,
      media: net === 'instagram' ? [image()] : [],
    });
    await p.scheduler.enqueue(r.deliveryIds);
    return { ch, deliveryId: r.deliveryIds[0], text: [...r.texts.values()][0], postId: r.postIds[0] };
  }

  const texts = (e: BaseEmulator, text: string) => acceptedCounts(e, [text]).get(text);

  describe.each(['x', 'facebook', 'instagram', 'linkedin', 'bluesky'] as const)('%s', (net) => {
    it('publishes an approved delivery exactly once and records its id', async () => {
      const d = await publishOne(net);
      const row = await waitForStatus(p, d.deliveryId, 'published');
      expect(row.external_id).toBeTruthy();
      expect(texts(emulators[net], d.text)).toBe(1);
    });

    it('checks before retrying after a 5xx that had committed the post: still exactly once', async () => {
      const d = await publishOne(net, { fault: { kind: 'server_error_after_commit', status: 500 } });
      await waitForStatus(p, d.deliveryId, 'published');
      expect(texts(emulators[net], d.text)).toBe(1);
    });

    it('retries after a connection reset before anything was stored', async () => {
      const d = await publishOne(net, { fault: { kind: 'connection_reset' } });
      await waitForStatus(p, d.deliveryId, 'published');
      expect(texts(emulators[net], d.text)).toBe(1);
    });
  });

  it('x: refreshes an expired OAuth 2.0 token, stores the rotated refresh token, and publishes', async () => {
    const d = await publishOne('x', { fault: { kind: 'expired_token' } });
    await waitForStatus(p, d.deliveryId, 'published');
    const creds = await p.fixtures.credentials(d.ch);
    expect(creds.refreshToken).toBeTruthy();
    expect(creds.refreshToken).not.toBe(`xr${n}`);
    expect(texts(x, d.text)).toBe(1);
  });

  it('x: waits for x-rate-limit-reset on a 429, then publishes', async () => {
    const d = await publishOne('x', { fault: { kind: 'rate_limit', resetInSeconds: 2 } });
    const row = await waitForStatus(p, d.deliveryId, 'published', 20_000);
    expect(row.attempts).toBe(1);
    expect(texts(x, d.text)).toBe(1);
  });

  it("bluesky: the campaign's language goes out as the post's langs", async () => {
    await p.db.query(`UPDATE campaigns SET language = 'fr' WHERE id = $1`, [campaignId]);
    try {
      const d = await publishOne('bluesky');
      await waitForStatus(p, d.deliveryId, 'published');
      const stored = bluesky.posts.filter((post) => post.text === d.text);
      expect(stored.map((post) => post.extra?.langs)).toEqual([['fr']]);
    } finally {
      await p.db.query(`UPDATE campaigns SET language = NULL WHERE id = $1`, [campaignId]);
    }
  });

  it('bluesky: refreshes the session on ExpiredToken and publishes', async () => {
    const d = await publishOne('bluesky', { fault: { kind: 'expired_token' } });
    await waitForStatus(p, d.deliveryId, 'published');
    expect(texts(bluesky, d.text)).toBe(1);
  });

  it('bluesky: waits for ratelimit-reset on a 429, then publishes', async () => {
    const d = await publishOne('bluesky', { fault: { kind: 'rate_limit', resetInSeconds: 2 } });
    await waitForStatus(p, d.deliveryId, 'published', 20_000);
    expect(texts(bluesky, d.text)).toBe(1);
  });

  it.each(['facebook', 'instagram', 'linkedin'] as const)('%s: an expired token without refresh → channel needs_reauth, delivery failed', async (net) => {
    const d = await publishOne(net, { fault: { kind: 'expired_token' }, on: net === 'instagram' ? 'any' : 'publish' } as any);
    const row = await waitForStatus(p, d.deliveryId, 'failed');
    expect(row.error_kind).toBe('auth');
    const [c] = await p.db.query(`SELECT status FROM channels WHERE id = $1`, [d.ch]);
    expect(c.status).toBe('needs_reauth');
  });

  it.each(['facebook', 'linkedin'] as const)('%s: a rate limit without a reset time holds the delivery back about a minute', async (net) => {
    const d = await publishOne(net, { fault: { kind: 'rate_limit' } });
    const fresh = await waitFor(async () => {
      const row = await p.fixtures.delivery(d.deliveryId);
      return row.error_kind === 'rate_limited' ? row : null;
    }, { what: 'the rate limit to be recorded' });
    expect(fresh.status).toBe('approved');
    expect(fresh.attempts).toBe(0);
    expect(new Date(fresh.due_at).getTime()).toBeGreaterThan(Date.now() + 30_000);
    expect(texts(emulators[net], d.text)).toBe(0);
  });

  it('linkedin: a DUPLICATE_POST answer settles the delivery at once, without a blind retry', async () => {
    const d = await publishOne('linkedin', { fault: { kind: 'duplicate' } });
    const settled = await waitFor(async () => {
      const row = await p.fixtures.delivery(d.deliveryId);
      return row.status === 'published' || row.status === 'failed' ? row : null;
    }, { what: 'the duplicate to settle' });
    expect(settled.attempts).toBe(1);
    expect(texts(linkedin, d.text)).toBe(0);
  });

  it('linkedin: a retired API version is told to the manager in plain words on the delivery, and nothing is published', async () => {
    // Every attempt is refused (a version stays retired until the operator changes it).
    linkedin.inject({ kind: 'retired_version' }, 'publish', 10);
    const d = await publishOne('linkedin');
    const seen = await waitFor(async () => {
      const row = await p.fixtures.delivery(d.deliveryId);
      return row.error_message ? row : null;
    }, { what: 'the refusal to be recorded' });
    expect(seen.error_message).toMatch(/LinkedIn API version \d{6}, which LinkedIn no longer serves/);
    expect(seen.error_message).toMatch(/LINKEDIN_API_VERSION/);
    expect(texts(linkedin, d.text)).toBe(0);
  });

  it('x: a duplicate-content refusal fails with a clear message and no retry', async () => {
    const d = await publishOne('x', { fault: { kind: 'duplicate' } });
    const row = await waitForStatus(p, d.deliveryId, 'failed');
    expect(row.error_kind).toBe('content');
    expect(row.attempts).toBe(1);
  });

  it('instagram: a container that stays IN_PROGRESS then fails is reported as failed', async () => {
    const d = await publishOne('instagram', { fault: { kind: 'container_in_progress', polls: 1, then: 'ERROR' }, on: 'container' });
    const row = await waitForStatus(p, d.deliveryId, 'failed', 30_000);
    expect(['content', 'transient', 'unknown']).toContain(row.error_kind);
    expect(texts(instagram, d.text)).toBe(0);
  });

  it('sandbox: publishes through the Redis-backed sandbox store, exactly once', async () => {
    const d = await publishOne('sandbox');
    const row = await waitForStatus(p, d.deliveryId, 'published');
    expect(row.external_id).toMatch(/^sandbox-/);
  });
});

import { BlueskyEmulator, plcDid } from '../emulators/bluesky.emulator';
import { BaseEmulator, EmulatedPost } from '../emulators/emulator';
import { FacebookEmulator } from '../emulators/facebook.emulator';
import { InstagramEmulator } from '../emulators/instagram.emulator';
import { LinkedInEmulator } from '../emulators/linkedin.emulator';
import { MastodonEmulator } from '../emulators/mastodon.emulator';
import { XEmulator } from '../emulators/x.emulator';
import { uniqueSlug } from '../support/builders';
import { ChannelSpec, usePrivateRedisPrefix } from '../support/pipeline-fixtures';
import { Pipeline, startPipeline, waitForStatus } from './pipeline-harness';

const PUBLIC_URL = 'https://chorus.example.org';
usePrivateRedisPrefix({ PUBLIC_URL });

/**
 * What a partner approves is what each network receives: with a public address the composer puts
 * each delivery's tracked short link in its text, and every adapter sends that text byte for byte
 * (no second link appended), and where a network takes the link apart from the text (Facebook's
 * `link`), that field is the same tracked link. Posts are composed through the API; approval is
 * written with SQL (setup); publication goes through the queue and the real adapters.
 */
describe('the approved text reaches every network unchanged', () => {
  let p: Pipeline;
  const x = new XEmulator({ accounts: [] });
  const facebook = new FacebookEmulator({ pages: [] });
  const instagram = new InstagramEmulator({ accounts: [] });
  const linkedin = new LinkedInEmulator({ accounts: [{ urn: 'urn:li:organization:7001', token: 'li-7001' }] });
  const mastodon = new MastodonEmulator({ accounts: [{ id: 'm7001', username: 'costo', token: 'md-7001' }] });
  const BS_DID = plcDid('costo7001');
  const bluesky = new BlueskyEmulator({ accounts: [{ did: BS_DID, handle: 'costo7001.bsky.social', password: 'pw7001' }] });
  const emulators: Record<string, BaseEmulator> = { x, facebook, instagram, linkedin, mastodon, bluesky };
  const ORIGINAL = 'https://www.costo.paris/balade?lang=fr';

  beforeAll(async () => {
    await Promise.all(Object.values(emulators).map((e) => e.start()));
    process.env.X_API_BASE_URL = x.url;
    process.env.FACEBOOK_API_BASE_URL = facebook.url;
    process.env.INSTAGRAM_API_BASE_URL = instagram.url;
    process.env.LINKEDIN_API_BASE_URL = linkedin.url;
    process.env.BLUESKY_API_BASE_URL = bluesky.url;
    process.env.BLUESKY_PLC_DIRECTORY_URL = bluesky.url;
    p = await startPipeline();
  });

  afterAll(async () => {
    await p?.close();
    await Promise.all(Object.values(emulators).map((e) => e.close()));
  });

  it('sends each delivery its approved text (tracked link included) and, where a network has one, the same link apart', async () => {
    const partnerId = await p.fixtures.partner();
    x.addAccount({ id: '7001', username: 'costo7001', token: 'xt-7001' });
    facebook.addPage({ id: '547001', token: 'fb-7001' });
    instagram.addAccount({ id: '178417001', username: 'costo7001', token: 'ig-7001' });
    const specs: ChannelSpec[] = [
      { network: 'x', externalId: '7001', handle: '@costo7001', credentials: { accessToken: 'xt-7001' } },
      { network: 'facebook', externalId: '547001', handle: 'CoSto', credentials: { accessToken: 'fb-7001' } },
      { network: 'instagram', externalId: '178417001', handle: '@costo7001', credentials: { accessToken: 'ig-7001' } },
      { network: 'linkedin', externalId: 'urn:li:organization:7001', handle: 'CoSto', credentials: { accessToken: 'li-7001' } },
      { network: 'mastodon', externalId: 'm7001', handle: '@costo@mastodon.example', instanceUrl: mastodon.url, credentials: { accessToken: 'md-7001' } },
      { network: 'bluesky', externalId: BS_DID, handle: 'costo7001.bsky.social', credentials: { identifier: 'costo7001.bsky.social', appPassword: 'pw7001' } },
    ];
    const channelIds = await p.fixtures.channels(partnerId, specs);
    const [xId, fbId, igId, liId, mdId, bsId] = channelIds;
    const [partner] = await p.db.query(`SELECT slug FROM partners WHERE id = $1`, [partnerId]);

    const manager = await p.api.as('manager');
    const campaign = (
      await manager
        .post('/api/campaigns')
        .send({ slug: uniqueSlug('c'), name: 'Balades', timeZone: 'Europe/Paris', startsAt: '2026-01-01T00:00', endsAt: '2030-12-31T00:00', partnerIds: [partnerId] })
        .expect(201)
    ).body;
    const scheduledAt = new Date(Date.now() + 3_600_000).toISOString();
    // Reserved little-text characters, a hashtag and (on LinkedIn) a mention: each must arrive as typed.
    const textPost = (
      await manager
        .post(`/api/campaigns/${campaign.id}/posts`)
        .send({
          baseText: 'Balade_urbaine (samedi) : rendez-vous à 10 h #Paris',
          variants: { linkedin: `Balade_urbaine (samedi) avec {{partner:${partner.slug}}} #Paris` },
          link: ORIGINAL,
          channelIds: [xId, fbId, liId, mdId, bsId],
          scheduledAt,
        })
        .expect(201)
    ).body;
    const photoPost = (
      await manager
        .post(`/api/campaigns/${campaign.id}/posts`)
        .send({
          baseText: 'La Halle Pajol en images',
          link: ORIGINAL,
          // Instagram's emulator fetches the image as Meta does: it serves a 4:5 JPEG itself.
          media: [{ url: `${instagram.url}/_emulator/image?w=1080&h=1350`, type: 'image', altText: 'La Halle Pajol' }],
          channelIds: [igId],
          scheduledAt,
        })
        .expect(201)
    ).body;

    // Approval (setup): both posts submitted, every delivery approved at its version and due now.
    const postIds = [textPost.id, photoPost.id];
    await p.db.query(`UPDATE posts SET submitted_at = now(), scheduled_at = now() WHERE id = ANY($1::uuid[])`, [postIds]);
    // TypeORM answers an UPDATE … RETURNING with [rows, count].
    const [approved]: [Array<{ id: string; channel_id: string; resolved_text: string; resolved_link: string }>, number] = await p.db.query(
      `UPDATE deliveries SET status = 'approved', approved_version = post_version, due_at = now()
        WHERE post_id = ANY($1::uuid[]) RETURNING id, channel_id, resolved_text, resolved_link`,
      [postIds],
    );
    expect(approved).toHaveLength(6);
    await p.scheduler.enqueue(approved.map((d) => d.id));

    const accountOf: Record<string, [BaseEmulator, string]> = {
      [xId]: [x, '7001'],
      [fbId]: [facebook, '547001'],
      [igId]: [instagram, '178417001'],
      [liId]: [linkedin, 'urn:li:organization:7001'],
      [mdId]: [mastodon, 'm7001'],
      [bsId]: [bluesky, BS_DID],
    };
    for (const d of approved) {
      const row = await waitForStatus(p, d.id, 'published');
      const [emulator, account] = accountOf[d.channel_id];
      const received = emulator.posts.filter((post: EmulatedPost) => post.accountId === account);
      expect(received).toHaveLength(1);
      const tracked = new RegExp(`^${PUBLIC_URL.replace(/\./g, '\\.')}/l/[A-Za-z0-9]+$`);
      expect(d.resolved_link).toMatch(tracked);
      // The approved text carries its own tracked link once, and never the original address.
      expect(d.resolved_text.endsWith(`\n${d.resolved_link}`)).toBe(true);
      expect(d.resolved_text).not.toContain('costo.paris');
      // Byte for byte what was approved.
      expect(Buffer.from(received[0].text).equals(Buffer.from(d.resolved_text))).toBe(true);
      expect(row.external_id).toBe(received[0].id);
    }

    // Facebook's preview card points at the same tracked link as the text.
    const fb = approved.find((d) => d.channel_id === fbId)!;
    expect(facebook.posts.find((post) => post.accountId === '547001')!.link).toBe(fb.resolved_link);
    // LinkedIn read the partner's mention and the hashtag as markup, nothing cut short.
    const li = linkedin.posts.find((post) => post.accountId === 'urn:li:organization:7001')!;
    expect(li.text).toContain('@[Pipeline partner](urn:li:organization:7001)');
    expect(li.extra).toMatchObject({ mentions: ['urn:li:organization:7001'], hashtags: ['Paris'], truncated: false });
    // Bluesky: the link card carries the tracked link too.
    const bs = bluesky.posts.find((post) => post.accountId === BS_DID)!;
    expect(bs.link).toBe(approved.find((d) => d.channel_id === bsId)!.resolved_link);
  });
});

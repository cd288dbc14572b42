import { aJointPost, type JointPostWorld } from '../support/approval-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { ensureWebBuild } from './browser';

/** The page-only read endpoints of src/web: shapes, partner scoping, and the calendar feeds. */
describe('web pages API', () => {
  let t: TestApp;
  let world: JointPostWorld;

  beforeAll(async () => {
    t = await createTestApp();
    world = await aJointPost(t);
  });
  afterAll(() => t.close());

  it('gives the calendar with each post status and the campaign partners', async () => {
    const reviewer = await t.as('reviewer');
    const res = await reviewer.get(`/api/web/campaigns/${world.campaignId}/calendar`).expect(200);
    expect(res.body.partners).toHaveLength(4);
    expect(res.body.posts).toEqual([expect.objectContaining({ id: world.post.id, status: 'draft' })]);
    await world.manager.post(`/api/posts/${world.post.id}/submit`).expect(200);
    const after = await reviewer.get(`/api/web/campaigns/${world.campaignId}/calendar`).expect(200);
    expect(after.body.posts[0].status).toBe('awaiting_approval');
  });

  it('hides a campaign from a partner that is not in it', async () => {
    const outsider = await t.as('partner');
    await outsider.get(`/api/web/campaigns/${world.campaignId}/calendar`).expect(404);
    const member = await t.as('partner', { partnerId: world.partners[0]!.id });
    await member.get(`/api/web/campaigns/${world.campaignId}/calendar`).expect(200);
  });

  it('shows a partner only the deliveries on its own channels', async () => {
    const a = await t.as('partner', { partnerId: world.partners[0]!.id });
    const res = await a.get(`/api/web/posts/${world.post.id}`).expect(200);
    expect(res.body.deliveries.map((d: { channelId: string }) => d.channelId)).toEqual([world.partners[0]!.channelId]);
    const manager = await world.manager.get(`/api/web/posts/${world.post.id}`).expect(200);
    expect(manager.body.deliveries).toHaveLength(4);
    await (await t.as('partner')).get(`/api/web/posts/${world.post.id}`).expect(404);
  });

  it('gives the composer every member partner with its channels and mentions', async () => {
    const res = await world.manager.get(`/api/web/campaigns/${world.campaignId}/composer`).expect(200);
    const a = res.body.partners.find((p: { id: string }) => p.id === world.partners[0]!.id);
    expect(a.channels).toEqual([expect.objectContaining({ id: world.partners[0]!.channelId, network: 'sandbox' })]);
    expect(a.channels[0]).not.toHaveProperty('credentials');
    expect(res.body.mentions).toEqual(expect.arrayContaining([{ slug: world.partners[0]!.slug, name: 'PartnerA', handles: { sandbox: `@${world.partners[0]!.slug}` } }]));
  });

  it('serves the iCalendar feed signed in, and at its secret address without signing in', async () => {
    const reviewer = await t.as('reviewer');
    const ics = await reviewer.get(`/api/campaigns/${world.campaignId}/calendar.ics`).expect(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics.text).toContain(`UID:post-${world.post.id}@`);

    const { url } = (await reviewer.get(`/api/web/campaigns/${world.campaignId}/calendar-feed`).expect(200)).body as { url: string };
    const path = new URL(url).pathname;
    const open = await t.http().get(path).expect(200);
    // The same feed, but for DTSTAMP (when it was generated) and the origin (supertest's ephemeral ports).
    const stampless = (text: string) => text.replace(/DTSTAMP:\d{8}T\d{6}Z/g, 'DTSTAMP').replace(/http:\/\/127\.0\.0\.1:\d+/g, 'ORIGIN');
    expect(stampless(open.text)).toBe(stampless(ics.text));
    await t.http().get(path.replace(/\/[^/]+\/calendar\.ics$/, '/not-the-key/calendar.ics')).expect(404);
    await t.http().get(`/api/campaigns/${world.campaignId}/calendar.ics`).expect(401);
  });

  it('names partners in a post’s common text and in the feed, marks a refused post tentative, and names the file after the campaign', async () => {
    const [a] = world.partners;
    const scheduledAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const baseText = `Avec {{partner:${a!.slug}}} et tout le quartier, une semaine de rencontres entre commerçants et habitants du 18e arrondissement`;
    const post = (await world.manager.post(`/api/campaigns/${world.campaignId}/posts`).send({ baseText, channelIds: [a!.channelId], scheduledAt }).expect(201)).body as { id: string };
    await world.manager.post(`/api/posts/${post.id}/submit`).expect(200);
    const partnerA = await t.as('partner', { partnerId: a!.id });
    await partnerA.post(`/api/posts/${post.id}/approvals`).send({ decision: 'rejected', comment: 'Pas cette semaine', version: 1 }).expect(201);

    const page = (await world.manager.get(`/api/web/posts/${post.id}`).expect(200)).body;
    expect(page.post.baseText).toBe(baseText);
    expect(page.post.baseTextForPeople).toBe(baseText.replace(`{{partner:${a!.slug}}}`, 'PartnerA'));

    const ics = await world.manager.get(`/api/campaigns/${world.campaignId}/calendar.ics`).expect(200);
    expect(ics.headers['content-disposition']).toBe('inline; filename="approvals-campaign.ics"');
    const unfolded = ics.text.replace(/\r\n[ \t]/g, '');
    const event = unfolded.split('BEGIN:VEVENT').find((e) => e.includes(`UID:post-${post.id}@`))!;
    expect(event).toContain('SUMMARY:Post (refusé) : Avec PartnerA et tout le quartier\\, une semaine de…');
    expect(event).toContain('STATUS:TENTATIVE');
    expect(unfolded).not.toContain('{{');
  });

  it('compresses the pages’ scripts and the JSON answers for browsers that accept it', async () => {
    ensureWebBuild();
    const shell = await t.http().get('/app/').expect(200);
    const script = /<script[^>]+src="(\/app\/assets\/[^"]+\.js)"/.exec(shell.text)?.[1];
    expect(script).toBeDefined();
    const plain = await t.http().get(script!).set('accept-encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gzipped = await t.http().get(script!).set('accept-encoding', 'gzip').buffer(true).parse((res, done) => {
      let size = 0;
      res.on('data', (chunk: Buffer) => (size += chunk.length));
      res.on('end', () => done(null, size));
    });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.body as number).toBeGreaterThan(0);
    const json = await t.http().get('/docs/openapi.json').set('accept-encoding', 'gzip').expect(200);
    expect(json.headers['content-encoding']).toBe('gzip');
  });

  it('serves the pages shell at /app and at approval-link addresses, with no-referrer', async () => {
    for (const path of ['/app/', '/app/campaigns/x', '/approve/some.token.here']) {
      const res = await t.http().get(path);
      // 200 once `npm run build:web` has run, 503 with a clear message before.
      expect([200, 503]).toContain(res.status);
      if (res.status === 200) {
        expect(res.text).toContain('<div id="app">');
        expect(res.headers['referrer-policy']).toBe('no-referrer');
      }
    }
    await t.http().get('/app/assets/..%2f..%2fpackage.json').expect(404);
  });
});

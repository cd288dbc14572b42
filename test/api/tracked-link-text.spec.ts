import { randomUUID } from 'node:crypto';
import { uniqueSlug } from '../support/builders';
import { createTestApp, TestApp } from '../support/test-app';

/** With a public address, each delivery carries its own short link, and partners approve that text. */
describe('tracked links in the published text', () => {
  let t: TestApp;
  const previous = process.env.PUBLIC_URL;
  beforeAll(async () => {
    process.env.PUBLIC_URL = 'https://chorus.example.org';
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
    if (previous === undefined) delete process.env.PUBLIC_URL;
    else process.env.PUBLIC_URL = previous;
  });

  it('puts a short link per delivery in place of the post link, redirecting with UTM tags', async () => {
    const manager = await t.as('manager');
    const partner = (await manager.post('/api/partners').send({ slug: uniqueSlug('p'), name: 'P' }).expect(201)).body;
    const channels = [];
    for (const network of ['sandbox', 'bluesky']) {
      channels.push((await manager.post(`/api/partners/${partner.id}/channels`).send({ network, handle: '@p.example', externalId: randomUUID() }).expect(201)).body);
    }
    const campaign = (
      await manager.post('/api/campaigns').send({ slug: uniqueSlug('c'), name: 'C', timeZone: 'Europe/Paris', startsAt: '2026-01-01T00:00', endsAt: '2027-12-31T00:00', partnerIds: [partner.id] }).expect(201)
    ).body;
    const post = (
      await manager
        .post(`/api/campaigns/${campaign.id}/posts`)
        .send({ baseText: 'Voir la balade', link: 'https://www.costo.paris/balade?lang=fr', channelIds: channels.map((c) => c.id), scheduledAt: new Date(Date.now() + 86_400_000).toISOString() })
        .expect(201)
    ).body;
    const codes = post.deliveries.map((d: { resolvedText: string }) => {
      expect(d.resolvedText).not.toContain('www.costo.paris');
      const m = /^Voir la balade\nhttps:\/\/chorus\.example\.org\/l\/([A-Za-z0-9]+)$/.exec(d.resolvedText);
      expect(m).not.toBeNull();
      return m![1];
    });
    expect(new Set(codes).size).toBe(2);

    const bluesky = post.deliveries.find((d: { network: string }) => d.network === 'bluesky');
    const code = /\/l\/([A-Za-z0-9]+)$/.exec(bluesky.resolvedText)![1];
    const res = await t.http().get(`/l/${code}`).expect(302);
    const target = new URL(res.headers.location);
    expect(`${target.origin}${target.pathname}`).toBe('https://www.costo.paris/balade');
    expect(Object.fromEntries(target.searchParams)).toEqual({ lang: 'fr', utm_source: 'bluesky', utm_medium: 'social', utm_campaign: campaign.slug, utm_content: partner.slug });

    // Editing the link keeps each delivery's code and points it at the new target.
    const edited = (await manager.patch(`/api/posts/${post.id}`).send({ link: 'https://www.costo.paris/balade-2' }).expect(200)).body;
    expect(edited.deliveries.find((d: { network: string }) => d.network === 'bluesky').resolvedText).toBe(bluesky.resolvedText);
    const again = await t.http().get(`/l/${code}`).expect(302);
    expect(new URL(again.headers.location).pathname).toBe('/balade-2');
  });
});

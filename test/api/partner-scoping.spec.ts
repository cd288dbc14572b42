import { randomUUID } from 'node:crypto';
import { uniqueSlug } from '../support/builders';
import { AuthedHttp, createTestApp, TestApp } from '../support/test-app';

/** A partner user sees its own channels and deliveries, and only the campaigns it belongs to. */
describe('what a partner user can read', () => {
  let t: TestApp;
  let manager: AuthedHttp;
  beforeAll(async () => {
    t = await createTestApp();
    manager = await t.as('manager');
  });
  afterAll(() => t.close());

  it('scopes channels, campaigns and posts to the partner', async () => {
    const mk = async (name: string) => (await manager.post('/api/partners').send({ slug: uniqueSlug(name), name }).expect(201)).body;
    const [a, b, outsider] = [await mk('a'), await mk('b'), await mk('outsider')];
    const channel = async (partnerId: string) =>
      (await manager.post(`/api/partners/${partnerId}/channels`).send({ network: 'sandbox', handle: `@${randomUUID().slice(0, 8)}`, externalId: randomUUID() }).expect(201)).body;
    const [chA, chB] = [await channel(a.id), await channel(b.id)];
    const campaign = (
      await manager.post('/api/campaigns').send({ slug: uniqueSlug('c'), name: 'C', timeZone: 'Europe/Paris', startsAt: '2026-01-01T00:00', endsAt: '2027-12-31T00:00', partnerIds: [a.id, b.id] }).expect(201)
    ).body;
    const onlyB = (await manager.post(`/api/campaigns/${campaign.id}/posts`).send({ baseText: 'B only', channelIds: [chB.id], scheduledAt: new Date(Date.now() + 86_400_000).toISOString() }).expect(201)).body;
    const both = (await manager.post(`/api/campaigns/${campaign.id}/posts`).send({ baseText: 'Both', channelIds: [chA.id, chB.id], scheduledAt: new Date(Date.now() + 86_400_000).toISOString() }).expect(201)).body;

    const asA = await t.as('partner', { partnerId: a.id });
    expect((await asA.get('/api/channels').expect(200)).body.map((c: { id: string }) => c.id)).toEqual([chA.id]);
    expect((await asA.get(`/api/channels?partnerId=${b.id}`).expect(200)).body).toEqual([]);
    await asA.get(`/api/channels/${chB.id}`).expect(404);
    await asA.get(`/api/channels/${chA.id}`).expect(200);
    expect((await asA.get(`/api/partners/${b.id}`).expect(200)).body.channels).toBeUndefined();
    expect((await asA.get(`/api/partners/${a.id}`).expect(200)).body.channels).toHaveLength(1);

    await asA.get(`/api/posts/${onlyB.id}`).expect(404);
    const seen = (await asA.get(`/api/posts/${both.id}`).expect(200)).body;
    expect(seen.deliveries.map((d: { channelId: string }) => d.channelId)).toEqual([chA.id]);
    const listed = (await asA.get(`/api/campaigns/${campaign.id}/posts`).expect(200)).body;
    expect(listed.map((p: { id: string }) => p.id)).toEqual([both.id]);
    expect(listed[0].deliveryCounts).toEqual({ pending_approval: 1 });

    const asOutsider = await t.as('partner', { partnerId: outsider.id });
    await asOutsider.get(`/api/campaigns/${campaign.id}`).expect(404);
    await asOutsider.get(`/api/campaigns/${campaign.id}/posts`).expect(404);
    await asOutsider.get(`/api/campaigns/${campaign.id}/tracks`).expect(404);
    expect((await asOutsider.get('/api/campaigns').expect(200)).body.map((c: { id: string }) => c.id)).not.toContain(campaign.id);
    expect((await asA.get('/api/campaigns').expect(200)).body.map((c: { id: string }) => c.id)).toContain(campaign.id);

    // Reviewers read everything.
    const reviewer = await t.as('reviewer');
    expect((await reviewer.get(`/api/posts/${both.id}`).expect(200)).body.deliveries).toHaveLength(2);
  });
});

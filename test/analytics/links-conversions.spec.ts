import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../support/test-app';
import { AnalyticsWorld, createAnalyticsWorld, publishedPost } from '../support/analytics-fixtures';
import { TrackedLinkService } from '../../src/analytics/links/tracked-link.service';

describe('tracked links, conversions and reciprocity', () => {
  let t: TestApp;
  let w: AnalyticsWorld;
  let linkedPost: { postId: string; deliveryIds: Record<string, string> };

  beforeAll(async () => {
    t = await createTestApp();
    w = await createAnalyticsWorld(t, {
      partnerNetworks: [['sandbox'], ['sandbox'], ['sandbox']],
      startsAt: '2030-01-01T00:00:00+01:00',
      endsAt: '2030-03-01T00:00:00+01:00',
    });
    const [a, b, c] = w.partners;
    // A and B carry a post featuring C; A carries one featuring B; C carries one featuring itself only.
    linkedPost = await publishedPost(t, w.manager, w.campaignId, {
      channelIds: [a.channelIds[0], b.channelIds[0]],
      featuredPartnerIds: [c.id],
      link: 'https://www.costo.paris/pack?lang=fr#partenaires',
    });
    await publishedPost(t, w.manager, w.campaignId, { channelIds: [a.channelIds[0]], featuredPartnerIds: [b.id, a.id] });
    await publishedPost(t, w.manager, w.campaignId, { channelIds: [c.channelIds[0]], featuredPartnerIds: [c.id] });
  });
  afterAll(() => t.close());

  describe('GET /l/:code', () => {
    it('redirects to the target with exact UTM tags and counts each click per day', async () => {
      const deliveryId = linkedPost.deliveryIds[w.partners[1].channelIds[0]];
      const link = await t.app.get(TrackedLinkService).linkFor(deliveryId);
      expect(link!.shortUrl).toMatch(new RegExp(`/l/${link!.code}$`));
      expect(await t.app.get(TrackedLinkService).linkFor(deliveryId)).toEqual(link);

      const res = await t.http().get(`/l/${link!.code}`).expect(302);
      const target = new URL(res.headers.location);
      expect(`${target.origin}${target.pathname}${target.hash}`).toBe('https://www.costo.paris/pack#partenaires');
      expect(Object.fromEntries(target.searchParams)).toEqual({
        lang: 'fr',
        utm_source: 'sandbox',
        utm_medium: 'social',
        utm_campaign: w.campaignSlug,
        utm_content: w.partners[1].slug,
      });

      await t.http().get(`/l/${link!.code}`).expect(302);
      await t.http().head(`/l/${link!.code}`).expect(302); // previews and crawlers are not counted
      const [{ clicks }] = await t.app.get(DataSource).query(
        `SELECT sum(clicks)::int AS clicks FROM link_clicks lc JOIN tracked_links l ON l.id = lc.link_id WHERE l.code = $1`,
        [link!.code],
      );
      expect(clicks).toBe(2);

      const list = await w.manager.get(`/api/campaigns/${w.campaignId}/links`).expect(200);
      // Both deliveries of the linked post have links now (the other one created lazily); none for the post without a link.
      expect(list.body).toHaveLength(2);
      expect(list.body.find((l: { code: string }) => l.code === link!.code)).toMatchObject({ clicks: 2, partnerId: w.partners[1].id });
      const ind = await w.manager.get(`/api/campaigns/${w.campaignId}/indicators?from=2020-01-01&to=2040-01-01`).expect(200);
      expect(ind.body.partners.find((p: { partnerId: string }) => p.partnerId === w.partners[1].id).clicks).toBe(2);
    });

    it('answers 404 for an unknown or malformed code', async () => {
      const res = await t.http().get('/l/ZZZZZZZZ').expect(404);
      expect(res.body.code).toBe('not_found');
      await t.http().get('/l/..%2F..').expect(404);
    });
  });

  describe('reciprocity', () => {
    it('counts published deliveries per (publisher, featured) pair, without self-features', async () => {
      const [a, b, c] = w.partners;
      const res = await w.manager.get(`/api/campaigns/${w.campaignId}/reciprocity`).expect(200);
      const pairs = Object.fromEntries(res.body.pairs.map((p: { publisherId: string; featuredId: string; deliveries: number }) => [`${p.publisherId}>${p.featuredId}`, p.deliveries]));
      expect(pairs).toEqual({ [`${a.id}>${c.id}`]: 1, [`${b.id}>${c.id}`]: 1, [`${a.id}>${b.id}`]: 1 });
      const per = Object.fromEntries(res.body.partners.map((p: { partnerId: string }) => [p.partnerId, p]));
      expect(per[c.id]).toMatchObject({ carriedByPartners: 2, deliveriesFeaturingIt: 2, partnersCarried: 0 });
      expect(per[a.id]).toMatchObject({ carriedByPartners: 0, partnersCarried: 2, deliveriesCarried: 2 });
      const order = res.body.partners.map((p: { partnerId: string }) => p.partnerId);
      expect(res.body.matrix[order.indexOf(a.id)][order.indexOf(c.id)]).toBe(1);
      expect(res.body.matrix[order.indexOf(c.id)][order.indexOf(c.id)]).toBe(0);
    });
  });

  describe('conversions', () => {
    it('lets a partner user record its own new customers, shows totals to all and rows to the owner', async () => {
      const [a, b] = w.partners;
      const partnerA = await t.as('partner', { partnerId: a.id });
      const partnerB = await t.as('partner', { partnerId: b.id });
      const reviewer = await t.as('reviewer');

      const code = await partnerA.post(`/api/campaigns/${w.campaignId}/codes`).send({ partnerId: a.id, code: 'COSTO-A' }).expect(201);
      const rec = await partnerA
        .post(`/api/campaigns/${w.campaignId}/conversions`)
        .send({ occurredOn: '2030-01-15', count: 3, source: 'campaign_code', code: 'costo-a', note: 'trois boutiques' })
        .expect(201);
      expect(rec.body).toMatchObject({ partnerId: a.id, occurredOn: '2030-01-15', count: 3, source: 'campaign_code', campaignCodeId: code.body.id });
      await w.manager
        .post(`/api/campaigns/${w.campaignId}/conversions`)
        .send({ partnerId: b.id, occurredOn: '2030-02-01', count: 2, source: 'costo_cheque' })
        .expect(201);

      const asB = await partnerB.get(`/api/campaigns/${w.campaignId}/conversions`).expect(200);
      expect(asB.body.total).toBe(5);
      expect(asB.body.totals).toEqual(expect.arrayContaining([{ partnerId: a.id, count: 3, bySource: { campaign_code: 3 } }]));
      expect(asB.body.conversions.map((c: { partnerId: string }) => c.partnerId)).toEqual([b.id]);
      const asReviewer = await reviewer.get(`/api/campaigns/${w.campaignId}/conversions`).expect(200);
      expect(asReviewer.body.conversions).toHaveLength(2);
      // Funders see who recorded by name, never an e-mail address.
      expect(asReviewer.body.conversions.map((c: { recordedBy: string }) => c.recordedBy).sort()).toEqual(['Test manager', 'Test partner']);
      expect(JSON.stringify(asReviewer.body)).not.toMatch(/@test\.chorus/);
      expect(rec.body.recordedBy).toBe('Test partner');
      expect((await partnerB.get(`/api/campaigns/${w.campaignId}/codes`).expect(200)).body).toEqual([]);

      const ind = await reviewer.get(`/api/campaigns/${w.campaignId}/indicators`).expect(200);
      expect(ind.body.campaignTotals.conversions).toEqual({ count: 5, records: 2, bySource: { campaign_code: 3, costo_cheque: 2 } });
      const outside = await reviewer.get(`/api/campaigns/${w.campaignId}/indicators?from=2030-01-16`).expect(200);
      expect(outside.body.campaignTotals.conversions.count).toBe(2);
    });

    it('refuses partner users recording for another partner, reviewers recording at all, and bad input', async () => {
      const [a, b] = w.partners;
      const partnerA = await t.as('partner', { partnerId: a.id });
      const reviewer = await t.as('reviewer');
      const body = { occurredOn: '2030-01-20', count: 1, source: 'other' };
      expect((await partnerA.post(`/api/campaigns/${w.campaignId}/conversions`).send({ ...body, partnerId: b.id }).expect(403)).body.code).toBe('forbidden');
      await partnerA.post(`/api/campaigns/${w.campaignId}/codes`).send({ partnerId: b.id, code: 'NOPE' }).expect(403);
      await reviewer.post(`/api/campaigns/${w.campaignId}/conversions`).send({ ...body, partnerId: a.id }).expect(403);
      await w.manager.post(`/api/campaigns/${w.campaignId}/conversions`).send(body).expect(400);
      await w.manager.post(`/api/campaigns/${w.campaignId}/conversions`).send({ ...body, partnerId: a.id, source: 'rumour' }).expect(400);
      await w.manager.post(`/api/campaigns/${w.campaignId}/conversions`).send({ ...body, partnerId: a.id, count: 0 }).expect(400);
      await t.http().get(`/api/campaigns/${w.campaignId}/indicators`).expect(401);
    });
  });
});

import ExcelJS from 'exceljs';
import type { Test } from 'supertest';
import { DataSource } from 'typeorm';
import { pdfText } from '../support/pdf-text';
import { createTestApp, TestApp } from '../support/test-app';
import { AnalyticsWorld, createAnalyticsWorld, insertPostMetrics, publishedPost } from '../support/analytics-fixtures';

const START = '2025-03-01T00:00:00+01:00';
const END = '2025-03-31T00:00:00+02:00';
const at = (iso: string) => new Date(iso);

type Figure = { value: number | null; deliveries: number };
type Group = { key: string | null; label: string; posts: number; deliveries: number; deliveriesRead: number; views: Figure; reach: Figure; likes: Figure; engagements: Figure; engagementRate: number | null; trackedClicks: number };

describe('output indicators from known per-post readings', () => {
  let t: TestApp;
  let w: AnalyticsWorld;
  let tracks: { t1: string; t2: string };
  let p1: { postId: string; deliveryIds: Record<string, string> };
  let p2: { postId: string; deliveryIds: Record<string, string> };
  const A = () => w.partners[0];
  const B = () => w.partners[1];
  const C = () => w.partners[2];

  beforeAll(async () => {
    t = await createTestApp();
    w = await createAnalyticsWorld(t, { partnerNetworks: [['x', 'mastodon'], ['linkedin'], ['bluesky']], startsAt: START, endsAt: END });
    const db = t.app.get(DataSource);
    const track = async (name: string) =>
      (await w.manager.post(`/api/campaigns/${w.campaignId}/tracks`).send({ name, objective: `${name} objective`, outputIndicators: [], resultIndicators: [], memberPartnerIds: [] }).expect(201)).body.id as string;
    tracks = { t1: await track('Commerces'), t2: await track('Tourisme') };

    // P1 (track 1) featuring B, on A's X and Mastodon accounts and on C's Bluesky account.
    p1 = await publishedPost(t, w.manager, w.campaignId, { channelIds: [A().channelIds[0], A().channelIds[1], C().channelIds[0]], featuredPartnerIds: [B().id], publishedAt: at('2025-03-05T10:00:00Z') });
    // P2 (track 2) featuring A, on B's LinkedIn member profile and C's Bluesky account.
    p2 = await publishedPost(t, w.manager, w.campaignId, { channelIds: [B().channelIds[0], C().channelIds[0]], featuredPartnerIds: [A().id], publishedAt: at('2025-03-20T10:00:00Z') });
    await db.query(`UPDATE posts SET track_id = $2 WHERE id = $1`, [p1.postId, tracks.t1]);
    await db.query(`UPDATE posts SET track_id = $2 WHERE id = $1`, [p2.postId, tracks.t2]);

    // X: read at 1 h, then at 24 h (the latest reading is the one that counts).
    await insertPostMetrics(t, p1.deliveryIds[A().channelIds[0]], [
      { takenAt: at('2025-03-05T11:00:00Z'), age: '1h', views: 100, likes: 5, reposts: 1, replies: 0, quotes: 0 },
      { takenAt: at('2025-03-06T10:00:00Z'), age: '24h', views: 400, likes: 20, reposts: 3, replies: 2, quotes: 1 },
    ]);
    // Mastodon: counts but no views.
    await insertPostMetrics(t, p1.deliveryIds[A().channelIds[1]], [{ takenAt: at('2025-03-06T10:00:00Z'), age: '24h', views: null, likes: 7, reposts: 2, replies: 1, quotes: 0 }]);
    // Bluesky (P1): the only reading failed.
    await insertPostMetrics(t, p1.deliveryIds[C().channelIds[0]], [{ takenAt: at('2025-03-05T11:00:00Z'), age: '1h', outcome: 'failed' }]);
    // LinkedIn member post: the network answers, with no figure at all.
    await insertPostMetrics(t, p2.deliveryIds[B().channelIds[0]], [{ takenAt: at('2025-03-20T11:00:00Z'), age: '1h' }]);
    // Bluesky (P2).
    await insertPostMetrics(t, p2.deliveryIds[C().channelIds[0]], [{ takenAt: at('2025-03-20T11:00:00Z'), age: '1h', likes: 3, reposts: 0, replies: 0, quotes: 0 }]);

    // Seven clicks on the tracked link of P1 on X.
    const [link] = await db.query(`INSERT INTO tracked_links (code, delivery_id, target_url) VALUES ($1, $2, 'https://costo.example') RETURNING id`, [`o${Date.now().toString(36)}`, p1.deliveryIds[A().channelIds[0]]]);
    await db.query(`INSERT INTO link_clicks (link_id, day, clicks) VALUES ($1, '2025-03-05', 4), ($1, '2025-03-06', 3)`, [link.id]);
  });
  afterAll(() => t.close());

  const outputs = async (query: string) => (await w.manager.get(`/api/campaigns/${w.campaignId}/outputs${query}`).expect(200)).body as { totals: Group; groups: Group[] };

  it('sums each track from its deliveries’ latest figures, with what each figure covers', async () => {
    const body = await outputs('?by=track');
    const t1 = body.groups.find((g) => g.key === tracks.t1)!;
    expect(t1).toMatchObject({
      label: 'Commerces', posts: 1, deliveries: 3, deliveriesRead: 2,
      views: { value: 400, deliveries: 1 }, reach: { value: null, deliveries: 0 }, likes: { value: 27, deliveries: 2 },
      engagements: { value: 26 + 10, deliveries: 2 }, trackedClicks: 7,
    });
    // The rate only uses deliveries that gave both views and engagements (X's 26 / 400).
    expect(t1.engagementRate).toBeCloseTo(26 / 400, 12);
    const t2 = body.groups.find((g) => g.key === tracks.t2)!;
    expect(t2).toMatchObject({ posts: 1, deliveries: 2, deliveriesRead: 2, views: { value: null, deliveries: 0 }, engagements: { value: 3, deliveries: 1 }, engagementRate: null, trackedClicks: 0 });
    expect(body.totals).toMatchObject({ posts: 2, deliveries: 5, deliveriesRead: 4, views: { value: 400, deliveries: 1 }, engagements: { value: 39, deliveries: 3 }, trackedClicks: 7 });
  });

  it('keeps a figure no network gave as not available through every roll-up, never 0', async () => {
    const byNetwork = await outputs('?by=network');
    expect(byNetwork.groups.find((g) => g.key === 'linkedin')).toMatchObject({ deliveries: 1, deliveriesRead: 1, views: { value: null, deliveries: 0 }, likes: { value: null, deliveries: 0 }, engagements: { value: null, deliveries: 0 }, engagementRate: null });
    expect(byNetwork.groups.find((g) => g.key === 'bluesky')).toMatchObject({ deliveries: 2, deliveriesRead: 1, views: { value: null, deliveries: 0 }, engagements: { value: 3, deliveries: 1 } });
    const byPartner = await outputs('?by=partner');
    expect(byPartner.groups.find((g) => g.key === B().id)).toMatchObject({ views: { value: null, deliveries: 0 }, engagements: { value: null, deliveries: 0 } });
    const byPost = await outputs('?by=post');
    expect(byPost.groups.find((g) => g.key === p2.postId)).toMatchObject({ views: { value: null, deliveries: 0 } });
    const byChannel = await outputs('?by=channel');
    expect(byChannel.groups.find((g) => g.key === A().channelIds[1])).toMatchObject({ views: { value: null, deliveries: 0 }, likes: { value: 7, deliveries: 1 } });
  });

  it('counts only the posts published in a requested window', async () => {
    const body = await outputs('?by=campaign&from=2025-03-01&to=2025-03-10');
    expect(body.totals).toMatchObject({ posts: 1, deliveries: 3, views: { value: 400, deliveries: 1 } });
  });

  it('ranks the top posts by views, then engagements', async () => {
    const res = await w.manager.get(`/api/campaigns/${w.campaignId}/outputs/top-posts?limit=5`).expect(200);
    expect(res.body.posts.map((p: { postId: string }) => p.postId)).toEqual([p1.postId, p2.postId]);
    expect(res.body.posts[0]).toMatchObject({ views: { value: 400, deliveries: 1 }, engagements: { value: 36, deliveries: 2 }, deliveriesRead: 2 });
    expect(res.body.posts[1]).toMatchObject({ views: { value: null, deliveries: 0 }, engagements: { value: 3, deliveries: 1 } });
  });

  it('gives reciprocal visibility: the views a partner’s featured posts got on other partners’ accounts', async () => {
    const res = await w.manager.get(`/api/campaigns/${w.campaignId}/outputs/reciprocal-visibility`).expect(200);
    const of = (id: string) => res.body.partners.find((p: { partnerId: string }) => p.partnerId === id);
    expect(of(B().id)).toMatchObject({ deliveriesByOthers: 3, reciprocalViews: { value: 400, deliveries: 1 } });
    expect(of(A().id)).toMatchObject({ deliveriesByOthers: 2, reciprocalViews: { value: null, deliveries: 0 } });
    expect(of(C().id)).toMatchObject({ deliveriesByOthers: 0, reciprocalViews: { value: null, deliveries: 0 } });
  });

  /** A binary download as a Buffer. */
  const binary = (req: Test) =>
    req.buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

  it('gives reviewers a French PDF report laid out as the plan, whose text holds the figures', async () => {
    await w.manager.patch(`/api/campaigns/${w.campaignId}`).send({ objective: 'Faire connaître les commerces du quartier' }).expect(200);
    const reviewer = await t.as('reviewer');
    const res = await binary(reviewer.get(`/api/campaigns/${w.campaignId}/report.pdf`)).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = (await pdfText(res.body as Buffer)).replace(/\s+/g, ' ');
    expect(text).toContain('Objectif directeur');
    expect(text).toContain('Axe : Commerces');
    expect(text).toContain('Objectif spécifique : Commerces objective');
    expect(text).toContain('Indicateurs de réalisation');
    expect(text).toContain('Indicateurs de résultat');
    // The figures of the pages: track 1's views and engagements, its reach not available, its clicks.
    const ours = (await w.manager.get(`/api/campaigns/${w.campaignId}/outputs?by=track&from=${encodeURIComponent(START)}&to=${encodeURIComponent(END)}`).expect(200)).body;
    const t1 = ours.groups.find((g: { key: string }) => g.key === tracks.t1);
    const section = text.slice(text.indexOf('Axe : Commerces'), text.indexOf('Axe : Tourisme'));
    expect(section).toContain(`Vues : ${t1.views.value} vues`);
    expect(section).toContain(`Interactions : ${t1.engagements.value} interactions`);
    expect(section).toContain('Portée (personnes atteintes) : non disponible');
    expect(section).toContain(`Clics sur les liens suivis : ${t1.trackedClicks} clics`);
    expect(section).toMatch(/Période : du 1 mars 2025 à 00:00 au 31 mars 2025 à 00:00/);
    // A partner user does not get the funder's report.
    await (await t.as('partner', { partnerId: A().id })).get(`/api/campaigns/${w.campaignId}/report.pdf`).expect(403);
  });

  it('gives the same figures as a spreadsheet, numbers as numbers and "non disponible" where so', async () => {
    const res = await binary(w.manager.get(`/api/campaigns/${w.campaignId}/report.xlsx`)).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as Buffer);
    const rows: unknown[][] = [];
    wb.getWorksheet('Rapport')!.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    const row = (section: string, label: string) => rows.find((r) => r[0] === section && r[3] === label)!;
    expect(row('Axe : Commerces', 'Vues')[4]).toBe(400);
    expect(row('Axe : Commerces', 'Portée (personnes atteintes)').slice(4, 6)).toEqual([undefined, 'non disponible']);
    expect(row('Ensemble de la campagne', 'Interactions')[4]).toBe(39);
    expect(row('Axe : Commerces', 'Taux d’interaction')[4]).toBeCloseTo(26 / 400, 12);
  });

  it('refuses an unknown level with a stable code', async () => {
    const res = await w.manager.get(`/api/campaigns/${w.campaignId}/outputs?by=galaxy`).expect(400);
    expect(res.body.code).toBe('validation_failed');
  });
});

import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DeliveryStatus } from '../../src/campaigns/deliveries/delivery.entity';
import { uniqueSlug } from '../support/builders';
import { AuthedHttp, createTestApp, TestApp } from '../support/test-app';

/**
 * The post status the API and the pages show, summed by POST_STATUS_SQL from the deliveries.
 * Delivery states are set directly: they are what the pipeline writes, and this is about the sum.
 */
describe('post status', () => {
  let t: TestApp;
  let manager: AuthedHttp;
  let db: DataSource;
  let campaignId: string;
  let channelIds: string[];

  beforeAll(async () => {
    t = await createTestApp();
    manager = await t.as('manager');
    db = t.app.get(DataSource);
    const partner = (await manager.post('/api/partners').send({ slug: uniqueSlug('p'), name: 'P' }).expect(201)).body;
    channelIds = [];
    for (let i = 0; i < 2; i++) {
      channelIds.push((await manager.post(`/api/partners/${partner.id}/channels`).send({ network: 'sandbox', handle: `@p${i}`, externalId: randomUUID() }).expect(201)).body.id);
    }
    campaignId = (
      await manager.post('/api/campaigns').send({ slug: uniqueSlug('c'), name: 'C', timeZone: 'Europe/Paris', startsAt: '2026-01-01T00:00', endsAt: '2027-12-31T00:00', partnerIds: [partner.id] }).expect(201)
    ).body.id;
  });
  afterAll(() => t.close());

  async function statusOf(deliveries: [DeliveryStatus, DeliveryStatus], options: { submitted?: boolean; cancelled?: boolean; rejected?: boolean } = {}) {
    const post = (await manager.post(`/api/campaigns/${campaignId}/posts`).send({ baseText: 'x', channelIds, scheduledAt: new Date(Date.now() + 86_400_000).toISOString() }).expect(201)).body;
    for (const [i, d] of post.deliveries.entries()) await db.query(`UPDATE deliveries SET status = $2 WHERE id = $1`, [d.id, deliveries[i]]);
    if (options.submitted !== false) await db.query(`UPDATE posts SET submitted_at = now() WHERE id = $1`, [post.id]);
    if (options.cancelled) await db.query(`UPDATE posts SET cancelled_at = now() WHERE id = $1`, [post.id]);
    if (options.rejected) {
      const [{ partner_id }] = await db.query(`SELECT partner_id FROM channels WHERE id = $1`, [channelIds[0]]);
      await db.query(`INSERT INTO approvals (post_id, partner_id, post_version, decision, comment) VALUES ($1, $2, 1, 'rejected', 'non')`, [post.id, partner_id]);
    }
    const one = (await manager.get(`/api/posts/${post.id}`).expect(200)).body.status;
    const listed = (await manager.get(`/api/campaigns/${campaignId}/posts`).expect(200)).body.find((p: { id: string }) => p.id === post.id).status;
    expect(listed).toBe(one);
    return one;
  }

  it.each([
    [['pending_approval', 'pending_approval'], { submitted: false }, 'draft'],
    [['pending_approval', 'approved'], {}, 'awaiting_approval'],
    [['pending_approval', 'pending_approval'], { rejected: true }, 'rejected'],
    [['approved', 'approved'], {}, 'scheduled'],
    [['publishing', 'approved'], {}, 'publishing'],
    [['published', 'approved'], {}, 'publishing'],
    [['published', 'published'], {}, 'published'],
    [['published', 'cancelled'], {}, 'published'],
    [['published', 'skipped'], {}, 'partially_published'],
    [['published', 'failed'], { rejected: true }, 'partially_published'],
    [['failed', 'skipped'], {}, 'failed'],
    [['cancelled', 'cancelled'], { cancelled: true }, 'cancelled'],
    [['published', 'cancelled'], { cancelled: true }, 'partially_published'],
  ] as const)('%p with %p is %s', async (deliveries, options, expected) => {
    expect(await statusOf([...deliveries] as [DeliveryStatus, DeliveryStatus], options)).toBe(expected);
  });
});

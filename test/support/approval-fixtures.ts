import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { uniqueSlug } from './builders';
import type { AuthedHttp, TestApp } from './test-app';

export interface JointPostWorld {
  manager: AuthedHttp;
  operator: { id: string; channelId: string };
  /** Partners A, B, C (not the operator), each with one sandbox channel. */
  partners: Array<{ id: string; slug: string; channelId: string }>;
  campaignId: string;
  post: { id: string; version: number; deliveries: Array<{ id: string; channelId: string }> };
}

/**
 * Through the API: an operator and three partners with one sandbox channel each, a campaign, and
 * one joint post targeting all four channels, scheduled `scheduledInMs` from now.
 */
export async function aJointPost(t: TestApp, options: { scheduledInMs?: number; manager?: AuthedHttp } = {}): Promise<JointPostWorld> {
  const manager = options.manager ?? (await t.as('manager'));
  const mkPartner = async (name: string) => {
    const slug = uniqueSlug(name.toLowerCase());
    const partner = (await manager.post('/api/partners').send({ slug, name }).expect(201)).body as { id: string };
    const channel = (
      await manager
        .post(`/api/partners/${partner.id}/channels`)
        .send({ network: 'sandbox', handle: `@${slug}`, externalId: randomUUID(), credentials: { token: 'sandbox' } })
        .expect(201)
    ).body as { id: string };
    return { id: partner.id, slug, channelId: channel.id };
  };
  const operator = await mkPartner('Operator');
  const partners = [await mkPartner('PartnerA'), await mkPartner('PartnerB'), await mkPartner('PartnerC')];
  const campaign = (
    await manager
      .post('/api/campaigns')
      .send({
        slug: uniqueSlug('approvals'),
        name: 'Approvals campaign',
        timeZone: 'Europe/Paris',
        startsAt: '2026-01-01T00:00',
        endsAt: '2028-12-31T23:59',
        partnerIds: [operator.id, ...partners.map((p) => p.id)],
        operatorPartnerId: operator.id,
      })
      .expect(201)
  ).body as { id: string };
  const scheduledAt = new Date(Date.now() + (options.scheduledInMs ?? 3 * 86_400_000)).toISOString();
  const post = (
    await manager
      .post(`/api/campaigns/${campaign.id}/posts`)
      .send({ baseText: 'Bienvenue au CoSto Pack !', channelIds: [operator.channelId, ...partners.map((p) => p.channelId)], scheduledAt })
      .expect(201)
  ).body as JointPostWorld['post'];
  return { manager, operator, partners, campaignId: campaign.id, post };
}

/** Everything an attack could change, to compare before and after. */
export async function approvalState(ds: DataSource, postId: string): Promise<unknown> {
  const [post] = await ds.query(`SELECT version, submitted_at, cancelled_at FROM posts WHERE id = $1`, [postId]);
  const deliveries = await ds.query(`SELECT id, status, approved_version, post_version FROM deliveries WHERE post_id = $1 ORDER BY id`, [postId]);
  const approvals = await ds.query(`SELECT id, partner_id, post_version, decision FROM approvals WHERE post_id = $1 ORDER BY id`, [postId]);
  const uses = await ds.query(`SELECT jti FROM approval_link_uses WHERE post_id = $1 ORDER BY jti`, [postId]);
  const audit = await ds.query(`SELECT count(*)::int AS n FROM audit_events WHERE post_id = $1`, [postId]);
  return { post, deliveries, approvals, uses, audit };
}

export async function deliveryStatuses(ds: DataSource, postId: string): Promise<Record<string, string>> {
  const rows = (await ds.query(`SELECT channel_id, status FROM deliveries WHERE post_id = $1`, [postId])) as Array<{ channel_id: string; status: string }>;
  return Object.fromEntries(rows.map((r) => [r.channel_id, r.status]));
}

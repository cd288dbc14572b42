import { DataSource } from 'typeorm';
import { ApprovalLinkService } from '../../src/campaigns/approvals/approval-link.service';
import { aJointPost, approvalState, deliveryStatuses } from '../support/approval-fixtures';
import { createTestApp, TestApp } from '../support/test-app';

describe('approval links (approve without a password)', () => {
  let t: TestApp;
  let ds: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    ds = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  async function submittedWithLinks() {
    const w = await aJointPost(t);
    await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
    const links = (await w.manager.get(`/api/posts/${w.post.id}/approval-links`).expect(200)).body as Array<{ partnerId: string; token: string; url: string; version: number }>;
    const linkOf = (partnerId: string) => links.find((l) => l.partnerId === partnerId)!.token;
    return { w, links, linkOf };
  }

  it('gives one link per awaited partner (not the operator), showing exactly what will be published', async () => {
    const { w, links, linkOf } = await submittedWithLinks();
    expect(links.map((l) => l.partnerId).sort()).toEqual(w.partners.map((p) => p.id).sort());
    expect(links[0].url).toContain(`/approve/${links[0].token}`);
    const view = (await t.http().get(`/api/approval-links/${linkOf(w.partners[1].id)}`).expect(200)).body;
    expect(view).toMatchObject({ postId: w.post.id, partnerId: w.partners[1].id, version: 1, outdated: false, used: false, decision: null });
    expect(view.deliveries).toEqual([expect.objectContaining({ channelId: w.partners[1].channelId, resolvedText: 'Bienvenue au CoSto Pack !' })]);
  });

  it('approves that partner\'s deliveries of that version, once', async () => {
    const { w, linkOf } = await submittedWithLinks();
    const token = linkOf(w.partners[1].id);
    const res = await t.http().post(`/api/approval-links/${token}`).send({ decision: 'approved' }).expect(200);
    expect(res.body).toMatchObject({ partnerId: w.partners[1].id, version: 1, decision: 'approved' });
    expect(['approved']).toContain((await deliveryStatuses(ds, w.post.id))[w.partners[1].channelId]);
    const [a] = await ds.query(`SELECT via, decided_by FROM approvals WHERE post_id = $1 AND partner_id = $2`, [w.post.id, w.partners[1].id]);
    expect(a).toEqual({ via: 'link', decided_by: null });
    const [audit] = await ds.query(`SELECT actor_label FROM audit_events WHERE post_id = $1 AND action = 'approval.approved' AND partner_id = $2`, [w.post.id, w.partners[1].id]);
    expect(audit.actor_label).toBe(`approval-link:${w.partners[1].slug}`);
    expect((await t.http().get(`/api/approval-links/${token}`).expect(200)).body).toMatchObject({ used: true, decision: { decision: 'approved' } });

    // Reused → 409 and nothing changes.
    const before = await approvalState(ds, w.post.id);
    expect((await t.http().post(`/api/approval-links/${token}`).send({ decision: 'rejected', comment: 'changed my mind' }).expect(409)).body.code).toBe('approval_link_used');
    expect(await approvalState(ds, w.post.id)).toEqual(before);
  });

  it('rejects through a link with a comment', async () => {
    const { w, linkOf } = await submittedWithLinks();
    await t.http().post(`/api/approval-links/${linkOf(w.partners[2].id)}`).send({ decision: 'rejected' }).expect(400);
    await t.http().post(`/api/approval-links/${linkOf(w.partners[2].id)}`).send({ decision: 'rejected', comment: 'Trop long' }).expect(200);
    const list = (await w.manager.get(`/api/posts/${w.post.id}/approvals`).expect(200)).body;
    expect(list.partners.find((p: { partnerId: string }) => p.partnerId === w.partners[2].id)).toMatchObject({ state: 'rejected', comment: 'Trop long' });
  });

  describe('attacks change nothing', () => {
    it('a tampered link → 400', async () => {
      const { w, linkOf } = await submittedWithLinks();
      const token = linkOf(w.partners[0].id);
      const [h, p, s] = token.split('.');
      // Re-point the payload at partner B, keep A's signature.
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const forged = [h, Buffer.from(JSON.stringify({ ...claims, partner: w.partners[1].id })).toString('base64url'), s].join('.');
      const flipped = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      const before = await approvalState(ds, w.post.id);
      for (const bad of [forged, flipped, 'not-a-token', `${h}.${p}.`]) {
        const res = await t.http().post(`/api/approval-links/${encodeURIComponent(bad)}`).send({ decision: 'approved' });
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('approval_link_invalid');
      }
      await t.http().get(`/api/approval-links/${forged}`).expect(400);
      expect(await approvalState(ds, w.post.id)).toEqual(before);
    });

    it('an expired link → 410', async () => {
      const { w } = await submittedWithLinks();
      const { token } = await t.app.get(ApprovalLinkService).issue(w.post.id, 1, w.partners[0].id, new Date(Date.now() - 1000));
      const before = await approvalState(ds, w.post.id);
      expect((await t.http().post(`/api/approval-links/${token}`).send({ decision: 'approved' }).expect(410)).body.code).toBe('approval_link_expired');
      expect((await t.http().get(`/api/approval-links/${token}`).expect(410)).body.code).toBe('approval_link_expired');
      expect(await approvalState(ds, w.post.id)).toEqual(before);
    });

    it('a link for an old version → 409, and the link is not burnt', async () => {
      const { w, linkOf } = await submittedWithLinks();
      const token = linkOf(w.partners[0].id);
      await w.manager.patch(`/api/posts/${w.post.id}`).send({ baseText: 'Texte modifié' }).expect(200);
      expect((await t.http().get(`/api/approval-links/${token}`).expect(200)).body.outdated).toBe(true);
      const before = await approvalState(ds, w.post.id);
      expect((await t.http().post(`/api/approval-links/${token}`).send({ decision: 'approved' }).expect(409)).body.code).toBe('state_conflict');
      expect(await approvalState(ds, w.post.id)).toEqual(before);
    });

    it('a link of a cancelled post → 409', async () => {
      const { w, linkOf } = await submittedWithLinks();
      await ds.query(`UPDATE posts SET cancelled_at = now() WHERE id = $1`, [w.post.id]);
      const before = await approvalState(ds, w.post.id);
      expect((await t.http().post(`/api/approval-links/${linkOf(w.partners[0].id)}`).send({ decision: 'approved' }).expect(409)).body.code).toBe('state_conflict');
      expect(await approvalState(ds, w.post.id)).toEqual(before);
    });

    it('a partner\'s link for a post that does not target it → 403', async () => {
      const { w } = await submittedWithLinks();
      const other = await aJointPost(t);
      // A genuinely signed link, but for a partner the post does not target.
      const { token } = await t.app.get(ApprovalLinkService).issue(w.post.id, 1, other.partners[0].id);
      const before = await approvalState(ds, w.post.id);
      expect((await t.http().post(`/api/approval-links/${token}`).send({ decision: 'approved' }).expect(403)).body.code).toBe('forbidden');
      expect(await approvalState(ds, w.post.id)).toEqual(before);
    });
  });
});

import { DataSource } from 'typeorm';
import { aJointPost, approvalState, deliveryStatuses } from '../support/approval-fixtures';
import { createTestApp, TestApp } from '../support/test-app';

/** Approved deliveries go straight to the pipeline, which queues them: both mean "approved". */
const APPROVED = ['approved'];

describe('approval workflow', () => {
  let t: TestApp;
  let ds: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    ds = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('submitting asks every targeted partner and approves the operator\'s own channels for the manager', async () => {
    const w = await aJointPost(t);
    const a = await t.as('partner', { partnerId: w.partners[0].id });
    // Not submitted yet: nothing to decide, nothing in the inbox.
    expect((await a.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(409)).body.code).toBe('state_conflict');
    expect((await a.get('/api/approvals/inbox').expect(200)).body.pending).toEqual([]);

    const submitted = (await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200)).body;
    const states = Object.fromEntries(submitted.partners.map((p: { partnerId: string; state: string }) => [p.partnerId, p.state]));
    expect(states).toEqual({ [w.operator.id]: 'approved', [w.partners[0].id]: 'pending', [w.partners[1].id]: 'pending', [w.partners[2].id]: 'pending' });
    const statuses = await deliveryStatuses(ds, w.post.id);
    expect(APPROVED).toContain(statuses[w.operator.channelId]);
    expect(statuses[w.partners[0].channelId]).toBe('pending_approval');
    const [op] = await ds.query(`SELECT via, decided_by FROM approvals WHERE post_id = $1 AND partner_id = $2`, [w.post.id, w.operator.id]);
    expect(op.via).toBe('manager');

    // The partner's inbox shows exactly what goes out on its channel.
    const inbox = (await a.get('/api/approvals/inbox').expect(200)).body;
    expect(inbox.pending).toHaveLength(1);
    expect(inbox.pending[0]).toMatchObject({ postId: w.post.id, version: 1 });
    expect(inbox.pending[0].deliveries).toEqual([expect.objectContaining({ channelId: w.partners[0].channelId, network: 'sandbox', resolvedText: 'Bienvenue au CoSto Pack !' })]);
    // …and a notification.
    const notes = (await a.get('/api/notifications').expect(200)).body;
    expect(notes).toEqual([expect.objectContaining({ kind: 'approval_requested', payload: expect.objectContaining({ postId: w.post.id, version: 1 }) })]);
  });

  it('approving the current version approves that partner\'s deliveries only; rejecting goes back to the manager with the comment', async () => {
    const w = await aJointPost(t);
    await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
    const a = await t.as('partner', { partnerId: w.partners[0].id });
    const c = await t.as('partner', { partnerId: w.partners[2].id });
    const manager2 = await t.as('manager');

    await a.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(201);
    let statuses = await deliveryStatuses(ds, w.post.id);
    expect(APPROVED).toContain(statuses[w.partners[0].channelId]);
    expect(statuses[w.partners[1].channelId]).toBe('pending_approval');
    const [row] = await ds.query(`SELECT approved_version FROM deliveries WHERE channel_id = $1 AND post_id = $2`, [w.partners[0].channelId, w.post.id]);
    expect(row.approved_version).toBe(1);
    expect((await a.get('/api/approvals/inbox').expect(200)).body.history).toEqual([expect.objectContaining({ postId: w.post.id, decision: 'approved', version: 1 })]);

    // A rejection needs a reason.
    expect((await c.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'rejected', version: 1 }).expect(400)).body.code).toBe('validation_failed');
    await c.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'rejected', version: 1, comment: 'Pas notre ton' }).expect(201);
    statuses = await deliveryStatuses(ds, w.post.id);
    expect(statuses[w.partners[2].channelId]).toBe('pending_approval');

    const list = (await w.manager.get(`/api/posts/${w.post.id}/approvals`).expect(200)).body;
    expect(list.partners.find((p: { partnerId: string }) => p.partnerId === w.partners[2].id)).toMatchObject({ state: 'rejected', comment: 'Pas notre ton' });
    expect(list.decisions.map((d: { decision: string }) => d.decision).sort()).toEqual(['approved', 'approved', 'rejected']);
    // Every manager is told of the rejection.
    const notes = (await manager2.get('/api/notifications').expect(200)).body;
    expect(notes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'approval_rejected', payload: expect.objectContaining({ postId: w.post.id, comment: 'Pas notre ton' }) })]));
    // A partner sees only its own partner's decisions.
    const mine = (await c.get(`/api/posts/${w.post.id}/approvals`).expect(200)).body;
    expect(mine.decisions.map((d: { partnerId: string }) => d.partnerId)).toEqual([w.partners[2].id]);
  });

  it('an edit bumps the version: old approvals no longer count and the partner must approve again; a schedule move does not', async () => {
    const w = await aJointPost(t);
    await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
    const a = await t.as('partner', { partnerId: w.partners[0].id });
    await a.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(201);

    await w.manager.patch(`/api/posts/${w.post.id}`).send({ scheduledAt: new Date(Date.now() + 4 * 86_400_000).toISOString() }).expect(200);
    expect(APPROVED).toContain((await deliveryStatuses(ds, w.post.id))[w.partners[0].channelId]);

    await w.manager.patch(`/api/posts/${w.post.id}`).send({ baseText: 'Nouveau texte' }).expect(200);
    expect((await deliveryStatuses(ds, w.post.id))[w.partners[0].channelId]).toBe('pending_approval');
    const stale = await a.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(409);
    expect(stale.body).toMatchObject({ code: 'state_conflict', details: { currentVersion: 2 } });

    await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
    const inbox = (await a.get('/api/approvals/inbox').expect(200)).body;
    expect(inbox.pending[0]).toMatchObject({ postId: w.post.id, version: 2 });
    expect(inbox.pending[0].deliveries[0].resolvedText).toBe('Nouveau texte');
    await a.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 2 }).expect(201);
    const statuses = await deliveryStatuses(ds, w.post.id);
    expect(APPROVED).toContain(statuses[w.partners[0].channelId]);
    expect(APPROVED).toContain(statuses[w.operator.channelId]);
  });

  it('a manager decides for the operator only', async () => {
    const w = await aJointPost(t);
    await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
    // The operator is already approved at submit; a second decision on the same version is refused.
    expect((await w.manager.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(409)).body.code).toBe('state_conflict');
    const rows = await ds.query(`SELECT partner_id FROM approvals WHERE post_id = $1`, [w.post.id]);
    expect(rows.map((r: { partner_id: string }) => r.partner_id)).toEqual([w.operator.id]);
  });

  describe('attacks change nothing', () => {
    it('a partner approving another partner\'s delivery → 403', async () => {
      const w = await aJointPost(t);
      await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
      const outsider = await t.as('partner'); // bound to a partner the post does not target
      const before = await approvalState(ds, w.post.id);
      const res = await outsider.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(403);
      expect(res.body.code).toBe('forbidden');
      await outsider.get(`/api/posts/${w.post.id}/approvals`).expect(403);
      expect(await approvalState(ds, w.post.id)).toEqual(before);
    });

    it('approving an old version → 409', async () => {
      const w = await aJointPost(t);
      await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
      await w.manager.patch(`/api/posts/${w.post.id}`).send({ baseText: 'v2' }).expect(200);
      const b = await t.as('partner', { partnerId: w.partners[1].id });
      const before = await approvalState(ds, w.post.id);
      expect((await b.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(409)).body.code).toBe('state_conflict');
      expect(await approvalState(ds, w.post.id)).toEqual(before);
    });

    it('approving a cancelled post → 409', async () => {
      const w = await aJointPost(t);
      await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
      await ds.query(`UPDATE posts SET cancelled_at = now() WHERE id = $1`, [w.post.id]);
      const b = await t.as('partner', { partnerId: w.partners[1].id });
      const before = await approvalState(ds, w.post.id);
      expect((await b.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(409)).body.code).toBe('state_conflict');
      expect((await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(409)).body.code).toBe('state_conflict');
      expect(await approvalState(ds, w.post.id)).toEqual(before);
    });

    it('a reviewer trying to submit or decide → 403', async () => {
      const w = await aJointPost(t);
      const reviewer = await t.as('reviewer');
      const before = await approvalState(ds, w.post.id);
      expect((await reviewer.post(`/api/posts/${w.post.id}/submit`).expect(403)).body.code).toBe('forbidden');
      expect((await reviewer.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(403)).body.code).toBe('forbidden');
      await reviewer.get(`/api/posts/${w.post.id}/approvals`).expect(200);
      expect(await approvalState(ds, w.post.id)).toEqual(before);
    });
  });
});

import { DataSource } from 'typeorm';
import { aJointPost, deliveryStatuses } from '../support/approval-fixtures';
import { createTestApp, TestApp } from '../support/test-app';

/** A refusal leads somewhere: the manager asks again, a partner changes its mind until the minute. */
describe('revising approvals', () => {
  let t: TestApp;
  let ds: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    ds = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  async function submitted() {
    const w = await aJointPost(t);
    await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
    const [a, b] = w.partners;
    return { w, a: a!, b: b!, asA: await t.as('partner', { partnerId: a!.id }), asB: await t.as('partner', { partnerId: b!.id }) };
  }
  const stateOf = async (w: { manager: { get: (u: string) => import('supertest').Test } }, postId: string, partnerId: string) =>
    ((await w.manager.get(`/api/posts/${postId}/approvals`).expect(200)).body.partners as Array<{ partnerId: string; state: string }>).find((p) => p.partnerId === partnerId)!.state;

  it('the manager asks a partner that refused to decide again: its inbox has the post back, and it approves', async () => {
    const { w, a, asA } = await submitted();
    await asA.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'rejected', comment: 'Pas ce jour-là', version: 1 }).expect(201);
    expect(await stateOf(w, w.post.id, a.id)).toBe('rejected');
    expect((await asA.get('/api/approvals/inbox').expect(200)).body.pending.map((p: { postId: string }) => p.postId)).not.toContain(w.post.id);

    // Only a refusal can be asked again, and only by a manager.
    const b = w.partners[1]!;
    expect((await w.manager.post(`/api/posts/${w.post.id}/approvals/${b.id}/ask-again`).expect(409)).body.details.reason).toBe('not_refused');
    await asA.post(`/api/posts/${w.post.id}/approvals/${a.id}/ask-again`).expect(403);

    await w.manager.post(`/api/posts/${w.post.id}/approvals/${a.id}/ask-again`).expect(200);
    expect(await stateOf(w, w.post.id, a.id)).toBe('pending');
    expect((await asA.get('/api/approvals/inbox').expect(200)).body.pending.map((p: { postId: string }) => p.postId)).toContain(w.post.id);
    const [note] = await ds.query(
      `SELECT n.payload FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.partner_id = $1 AND n.kind = 'approval_requested' AND (n.payload->>'again')::boolean`,
      [a.id],
    );
    expect(note.payload.postId).toBe(w.post.id);

    await asA.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(201);
    expect(['approved', 'queued']).toContain((await deliveryStatuses(ds, w.post.id))[a.channelId]);
    const rows = await ds.query(`SELECT decision, superseded_at IS NOT NULL AS superseded FROM approvals WHERE post_id = $1 AND partner_id = $2 ORDER BY decided_at`, [w.post.id, a.id]);
    expect(rows).toEqual([{ decision: 'rejected', superseded: true }, { decision: 'approved', superseded: false }]);
  });

  it('moving a refused post asks the partners that refused it again', async () => {
    const { w, a, asA } = await submitted();
    await asA.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'rejected', comment: 'Trop tôt', version: 1 }).expect(201);
    const later = new Date(Date.now() + 6 * 86_400_000).toISOString();
    await w.manager.patch(`/api/posts/${w.post.id}`).send({ scheduledAt: later }).expect(200);
    expect(await stateOf(w, w.post.id, a.id)).toBe('pending');
    const [post] = await ds.query(`SELECT version FROM posts WHERE id = $1`, [w.post.id]);
    expect(post.version).toBe(1); // a date change keeps the version
  });

  it('a partner changes its mind until the minute: approved → refused takes its deliveries back, refused → approved releases them', async () => {
    const { w, b, asB } = await submitted();
    await asB.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(201);
    expect(['approved', 'queued']).toContain((await deliveryStatuses(ds, w.post.id))[b.channelId]);
    expect((await asB.post(`/api/posts/${w.post.id}/approvals/change`).send({ decision: 'approved', version: 1 }).expect(409)).body.details.reason).toBe('same_decision');
    await asB.post(`/api/posts/${w.post.id}/approvals/change`).send({ decision: 'rejected', version: 1 }).expect(400); // a refusal needs a comment

    await asB.post(`/api/posts/${w.post.id}/approvals/change`).send({ decision: 'rejected', comment: 'Finalement non', version: 1 }).expect(200);
    expect((await deliveryStatuses(ds, w.post.id))[b.channelId]).toBe('pending_approval');
    expect(await stateOf(w, w.post.id, b.id)).toBe('rejected');
    const inbox = (await asB.get('/api/approvals/inbox').expect(200)).body;
    expect(inbox.history.filter((h: { postId: string; changeable: boolean }) => h.postId === w.post.id && h.changeable)).toHaveLength(1);

    await asB.post(`/api/posts/${w.post.id}/approvals/change`).send({ decision: 'approved', version: 1 }).expect(200);
    expect(['approved', 'queued']).toContain((await deliveryStatuses(ds, w.post.id))[b.channelId]);
    const audit = await ds.query(`SELECT action FROM audit_events WHERE post_id = $1 AND partner_id = $2 AND action LIKE 'approval.%' ORDER BY id`, [w.post.id, b.id]);
    expect(audit.map((r: { action: string }) => r.action)).toEqual(['approval.approved', 'approval.rejected', 'approval.approved']);
  });

  it('refuses a change once the publication is due, and a change by someone else', async () => {
    const { w, b, asB } = await submitted();
    await asB.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(201);
    await w.manager.post(`/api/posts/${w.post.id}/approvals/change`).send({ decision: 'rejected', comment: 'x', version: 1 }).expect(403);
    await ds.query(`UPDATE deliveries SET due_at = now() - interval '1 minute' WHERE post_id = $1 AND channel_id = $2`, [w.post.id, b.channelId]);
    const before = (await deliveryStatuses(ds, w.post.id))[b.channelId];
    const res = await asB.post(`/api/posts/${w.post.id}/approvals/change`).send({ decision: 'rejected', comment: 'Trop tard ?', version: 1 }).expect(409);
    expect(res.body.details.reason).toBe('too_late');
    expect((await deliveryStatuses(ds, w.post.id))[b.channelId]).toBe(before);
    expect(await stateOf(w, w.post.id, b.id)).toBe('approved');
  });
});

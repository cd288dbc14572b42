import { DataSource } from 'typeorm';
import { aJointPost } from '../support/approval-fixtures';
import { createTestApp, TestApp } from '../support/test-app';

describe('audit trail', () => {
  let t: TestApp;
  let ds: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    ds = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('records submit, approvals and rejections in order, filterable by post, partner and date, for managers only', async () => {
    // Taken before the post exists: its `post.created` row is the trail's first, and a slow
    // request (a loaded machine) must not push it before the window the test asks for.
    const start = new Date(Date.now() - 1000).toISOString();
    const w = await aJointPost(t);
    await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
    const a = await t.as('partner', { partnerId: w.partners[0].id });
    const c = await t.as('partner', { partnerId: w.partners[2].id });
    await a.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(201);
    await c.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'rejected', version: 1, comment: 'Non' }).expect(201);

    const byPost = (await w.manager.get(`/api/audit-events?postId=${w.post.id}`).expect(200)).body as Array<{ id: string; action: string; partnerId: string | null; after: Record<string, unknown> | null; actorLabel: string }>;
    expect(byPost.map((e) => e.action)).toEqual(['post.created', 'post.submitted', 'approval.approved', 'approval.approved', 'approval.rejected']);
    expect(byPost.map((e) => Number(e.id))).toEqual([...byPost.map((e) => Number(e.id))].sort((x, y) => x - y));
    expect(byPost[3]).toMatchObject({ partnerId: w.partners[0].id, after: expect.objectContaining({ version: 1, via: 'login' }) });
    expect(byPost[4]).toMatchObject({ partnerId: w.partners[2].id, after: expect.objectContaining({ comment: 'Non' }) });

    const byPartner = (await w.manager.get(`/api/audit-events?partnerId=${w.partners[2].id}`).expect(200)).body as Array<{ action: string; postId: string }>;
    expect(byPartner.filter((e) => e.postId === w.post.id).map((e) => e.action)).toEqual(['approval.rejected']);
    const logins = (await w.manager.get(`/api/audit-events?partnerId=${w.partners[0].id}`).expect(200)).body as Array<{ action: string }>;
    // The partner's own trail: its user's login, then its decision (other features add their lines, e.g. channel.created).
    expect(logins.map((e) => e.action).filter((x) => x.startsWith('user.') || x.startsWith('approval.'))).toEqual(['user.login', 'approval.approved']);

    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await w.manager.get(`/api/audit-events?postId=${w.post.id}&from=${future}`).expect(200)).body).toEqual([]);
    expect((await w.manager.get(`/api/audit-events?postId=${w.post.id}&from=${start}&to=${future}`).expect(200)).body).toHaveLength(5);
    expect((await w.manager.get(`/api/audit-events?postId=not-a-uuid`).expect(400)).body.code).toBe('validation_failed');

    await a.get(`/api/audit-events?postId=${w.post.id}`).expect(403);
    await (await t.as('reviewer')).get(`/api/audit-events`).expect(403);
    await t.http().get('/api/audit-events').expect(401);
  });

  it('is append-only, even for our own code', async () => {
    const [e] = await ds.query(`SELECT id FROM audit_events ORDER BY id LIMIT 1`);
    await expect(ds.query(`UPDATE audit_events SET action = 'x' WHERE id = $1`, [e.id])).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM audit_events WHERE id = $1`, [e.id])).rejects.toThrow(/append-only/);
  });
});

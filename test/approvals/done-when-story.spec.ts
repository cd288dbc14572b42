import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { aJointPost } from '../support/approval-fixtures';
import { startWorker, usePrivateRedisPrefix, waitFor } from '../support/pipeline-fixtures';
import { createTestApp, TestApp } from '../support/test-app';

// This file runs a worker: its own queue and database, so it publishes nothing of other files'.
usePrivateRedisPrefix();

/**
 * Issue 4's "Done when", through the API: a manager submits a post to 3 partners' channels; A
 * approves by login, B by link, C rejects with a comment; the manager edits the text, A and B
 * approve again; at the minute only approved deliveries are published and C's is skipped with
 * the reason; the audit trail tells the story in order.
 */
describe('done when: consent before publication', () => {
  let t: TestApp;
  let ds: DataSource;
  let worker: INestApplicationContext | undefined;
  beforeAll(async () => {
    t = await createTestApp();
    ds = t.app.get(DataSource);
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
  });

  it('publishes only what each partner approved, and the audit trail tells the story', async () => {
    const w = await aJointPost(t);
    const [A, B, C] = w.partners;
    const a = await t.as('partner', { partnerId: A.id });
    const c = await t.as('partner', { partnerId: C.id });
    const linkFor = async (partnerId: string) => {
      const links = (await w.manager.get(`/api/posts/${w.post.id}/approval-links`).expect(200)).body as Array<{ partnerId: string; token: string }>;
      return links.find((l) => l.partnerId === partnerId)!.token;
    };

    await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
    await a.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(201);
    const bLink1 = await linkFor(B.id);
    await t.http().post(`/api/approval-links/${bLink1}`).send({ decision: 'approved' }).expect(200);
    await c.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'rejected', version: 1, comment: 'Nous ne parlons pas de cet événement.' }).expect(201);
    const rejected = (await w.manager.get(`/api/posts/${w.post.id}/approvals`).expect(200)).body;
    expect(rejected.partners.find((p: { partnerId: string }) => p.partnerId === C.id)).toMatchObject({ state: 'rejected', comment: 'Nous ne parlons pas de cet événement.' });

    // The manager edits the text: version 2, everyone but the operator must approve again.
    const edited = (await w.manager.patch(`/api/posts/${w.post.id}`).send({ baseText: 'Bienvenue au CoSto Pack, version 2 !' }).expect(200)).body;
    expect(edited.version).toBe(2);
    // The edit itself asks the partners again: no second submit.
    const pendingA = (await a.get('/api/approvals/inbox').expect(200)).body.pending;
    expect(pendingA).toEqual([expect.objectContaining({ postId: w.post.id, version: 2 })]);
    await t.http().post(`/api/approval-links/${bLink1}`).send({ decision: 'approved' }).expect(409); // used, and outdated
    await a.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 2 }).expect(201);
    await t.http().post(`/api/approval-links/${await linkFor(B.id)}`).send({ decision: 'approved' }).expect(200);

    // Bring the minute close, so the test need not wait days: moving the schedule moves the
    // waiting deliveries with it, and asks nobody again.
    await w.manager.patch(`/api/posts/${w.post.id}`).send({ scheduledAt: new Date(Date.now() + 3000).toISOString() }).expect(200);
    worker = await startWorker();
    const byChannel = async () =>
      Object.fromEntries(
        ((await ds.query(`SELECT channel_id, status, error_kind, error_message, resolved_text FROM deliveries WHERE post_id = $1`, [w.post.id])) as Array<{ channel_id: string; status: string; error_kind: string | null; error_message: string | null; resolved_text: string }>).map((r) => [r.channel_id, r]),
      );
    const final = await waitFor(
      async () => {
        const d = await byChannel();
        const done = Object.values(d).every((r) => ['published', 'skipped', 'failed'].includes(r.status));
        return done ? d : null;
      },
      { timeoutMs: 45_000, what: 'every delivery published or skipped' },
    );
    for (const ch of [w.operator.channelId, A.channelId, B.channelId]) {
      expect(final[ch]).toMatchObject({ status: 'published', resolved_text: 'Bienvenue au CoSto Pack, version 2 !' });
    }
    expect(final[C.channelId]).toMatchObject({ status: 'skipped', error_kind: 'not_approved' });
    expect(final[C.channelId].error_message).toMatch(/not approved/i);

    // The audit trail, in order.
    const trail = (await w.manager.get(`/api/audit-events?postId=${w.post.id}`).expect(200)).body as Array<{ action: string; partnerId: string | null; after: { version?: number; via?: string } | null }>;
    const story = trail.map((e) => `${e.action}${e.partnerId ? `:${[w.operator.id, A.id, B.id, C.id].indexOf(e.partnerId)}` : ''}${e.after?.via ? `:${e.after.via}` : ''}`);
    const expected = [
      'post.created',
      'post.submitted',
      'approval.approved:0:manager',
      'approval.approved:1:login',
      'approval.approved:2:link',
      'approval.rejected:3:login',
      'post.edited',
      'post.submitted',
      'approval.approved:0:manager',
      'approval.approved:1:login',
      'approval.approved:2:link',
    ];
    // Each expected step appears, in this order; the pipeline's lines come after.
    let at = -1;
    for (const step of expected) {
      const next = story.findIndex((s, i) => i > at && s.startsWith(step));
      expect({ step, found: next > at, story }).toMatchObject({ step, found: true });
      at = next;
    }
    const tail = story.slice(at + 1);
    expect(tail.filter((s) => s.startsWith('delivery.published'))).toHaveLength(3);
    expect(tail.filter((s) => s.startsWith('delivery.skipped'))).toHaveLength(1);
  });
});

import { createHmac } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { ApprovalReminderService } from '../../src/notifications/approval-reminder.service';
import { NotificationService } from '../../src/notifications/notification.service';
import { aJointPost } from '../support/approval-fixtures';
import { startWorker, usePrivateRedisPrefix, waitFor } from '../support/pipeline-fixtures';
import { createTestApp, TestApp } from '../support/test-app';

// Webhooks are sent by the worker: this file runs one, on its own queues and database.
usePrivateRedisPrefix();

describe('notifications', () => {
  let t: TestApp;
  let ds: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    ds = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('each user reads and marks only its own inbox; the pipeline can notify a partner of failures and re-authorisation', async () => {
    const w = await aJointPost(t);
    const a = await t.as('partner', { partnerId: w.partners[0].id });
    const b = await t.as('partner', { partnerId: w.partners[1].id });
    const notifications = t.app.get(NotificationService);
    await notifications.notifyPartner(w.partners[0].id, 'channel_needs_reauth', { channelId: w.partners[0].channelId, network: 'sandbox', handle: '@a' });
    await notifications.notifyPartner(w.partners[0].id, 'delivery_failed', { deliveryId: w.post.deliveries[0].id, message: 'Too long' });

    const inbox = (await a.get('/api/notifications').expect(200)).body as Array<{ id: string; kind: string; readAt: string | null }>;
    expect(inbox.map((n) => n.kind).sort()).toEqual(['channel_needs_reauth', 'delivery_failed']);
    expect((await b.get('/api/notifications').expect(200)).body).toEqual([]);

    // Someone else's notification is not found, and stays unread.
    expect((await b.post(`/api/notifications/${inbox[0].id}/read`).expect(404)).body.code).toBe('not_found');
    const [row] = await ds.query(`SELECT read_at FROM notifications WHERE id = $1`, [inbox[0].id]);
    expect(row.read_at).toBeNull();

    const read = (await a.post(`/api/notifications/${inbox[0].id}/read`).expect(200)).body;
    expect(read.readAt).not.toBeNull();
    expect((await a.get('/api/notifications?unread=true').expect(200)).body).toHaveLength(1);
  });

  it('sends the partner\'s webhook from the worker, signed with HMAC-SHA256; the secret is never returned', async () => {
    const worker = await startWorker();
    const received: Array<{ body: string; signature: string | undefined }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-chorus-signature'] as string | undefined });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const w = await aJointPost(t);
      const secret = 'a-webhook-secret-of-partner-a';
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const set = await w.manager.put(`/api/partners/${w.partners[0].id}/webhook`).send({ url, secret }).expect(200);
      expect(JSON.stringify(set.body)).not.toContain(secret);
      const [stored] = await ds.query(`SELECT secret_encrypted FROM partner_webhooks WHERE partner_id = $1`, [w.partners[0].id]);
      expect(stored.secret_encrypted).not.toContain(secret);
      await (await t.as('partner', { partnerId: w.partners[0].id })).put(`/api/partners/${w.partners[0].id}/webhook`).send({ url, secret }).expect(403);

      await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
      const hit = await waitFor(async () => received.find((r) => r.body.includes(w.post.id)), { timeoutMs: 10_000, what: 'webhook call' });
      expect(hit.signature).toBe(`sha256=${createHmac('sha256', secret).update(hit.body).digest('hex')}`);
      expect(JSON.parse(hit.body)).toMatchObject({ kind: 'approval_requested', partnerId: w.partners[0].id, payload: { postId: w.post.id, version: 1 } });
    } finally {
      server.close();
      await worker.close();
    }
  });

  it('reminds a partner once before the minute when it has not decided', async () => {
    const w = await aJointPost(t, { scheduledInMs: 2 * 3600_000 });
    const a = await t.as('partner', { partnerId: w.partners[0].id });
    const b = await t.as('partner', { partnerId: w.partners[1].id });
    await w.manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
    await a.post(`/api/posts/${w.post.id}/approvals`).send({ decision: 'approved', version: 1 }).expect(201);

    const reminders = t.app.get(ApprovalReminderService);
    await reminders.sendDue();
    await reminders.sendDue();
    const kinds = async (api: typeof a) => ((await api.get('/api/notifications').expect(200)).body as Array<{ kind: string; payload: { postId?: string } }>).filter((n) => n.payload.postId === w.post.id).map((n) => n.kind);
    expect((await kinds(b)).sort()).toEqual(['approval_reminder', 'approval_requested']);
    expect(await kinds(a)).toEqual(['approval_requested']); // decided: no reminder
    const sent = await ds.query(`SELECT partner_id FROM approval_reminders WHERE post_id = $1 ORDER BY partner_id`, [w.post.id]);
    expect(sent.map((r: { partner_id: string }) => r.partner_id).sort()).toEqual([w.partners[1].id, w.partners[2].id].sort());
  });
});

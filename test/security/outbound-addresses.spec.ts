import { getQueueToken } from '@nestjs/bullmq';
import { Queue, UnrecoverableError } from 'bullmq';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AdapterRegistry } from '../../src/channels/adapters/adapter-registry';
import { NetworkError } from '../../src/channels/adapters/network-adapter';
import { CredentialCipher } from '../../src/channels/credentials/credential-cipher';
import { PartnerWebhookService } from '../../src/notifications/webhooks/partner-webhook.service';
import { DeliverWebhookJob } from '../../src/notifications/webhooks/webhook-job';
import { QueueName } from '../../src/queue/queue-names';
import { MastodonEmulator } from '../emulators/mastodon.emulator';
import { aJointPost } from '../support/approval-fixtures';
import { uniqueSlug } from '../support/builders';
import { AuthedHttp, createTestApp, TestApp } from '../support/test-app';
import { usePrivateRedisPrefix } from '../support/pipeline-fixtures';

/**
 * Where our servers send requests on a user's say-so (Mastodon instances, partner webhooks), with
 * the production default: private and reserved addresses refused. The other test files allow them
 * (OUTBOUND_ALLOW_PRIVATE_HOSTS=true) to reach the local emulators.
 */
describe('outbound addresses (strict default)', () => {
  // Own database and Redis prefix: this file saves channels and webhooks on public addresses
  // (a strict guard needs one to accept), and no worker of another file may ever poll or call them.
  usePrivateRedisPrefix();
  let t: TestApp;
  let ds: DataSource;
  let manager: AuthedHttp;
  let partnerId: string;
  const PRIVATE_URLS = ['http://127.0.0.1:9', 'http://localhost', 'http://169.254.169.254/latest/meta-data', 'http://10.1.2.3', 'http://[::1]:8080', 'http://[::ffff:127.0.0.1]', 'http://0.0.0.0'];

  beforeAll(async () => {
    process.env.OUTBOUND_ALLOW_PRIVATE_HOSTS = 'false';
    t = await createTestApp();
    ds = t.app.get(DataSource);
    manager = await t.as('manager');
    partnerId = (await manager.post('/api/partners').send({ slug: uniqueSlug('outbound'), name: 'Outbound' }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t?.close();
    process.env.OUTBOUND_ALLOW_PRIVATE_HOSTS = 'true';
  });

  const mastodon = (instanceUrl: string) => ({ network: 'mastodon', handle: '@m', externalId: randomUUID(), instanceUrl, credentials: { accessToken: 'the-token' } });

  describe('1. a stored token cannot be sent anywhere', () => {
    it('refuses Mastodon instances on private or reserved addresses when saving', async () => {
      for (const url of PRIVATE_URLS) {
        const res = await manager.post(`/api/partners/${partnerId}/channels`).send(mastodon(url));
        expect([url, res.status, res.body.code]).toEqual([url, 400, 'validation_failed']);
      }
      const good = (await manager.post(`/api/partners/${partnerId}/channels`).send(mastodon('https://9.9.9.9')).expect(201)).body;
      for (const url of PRIVATE_URLS) {
        const res = await manager.patch(`/api/channels/${good.id}`).send({ instanceUrl: url });
        expect([url, res.status]).toEqual([url, 400]);
      }
      const [row] = await ds.query(`SELECT instance_url, credentials_encrypted IS NOT NULL AS has FROM channels WHERE id = $1`, [good.id]);
      expect(row).toEqual({ instance_url: 'https://9.9.9.9', has: true });
    });

    it('changing where a channel points clears its credentials and asks to reconnect', async () => {
      const channel = (await manager.post(`/api/partners/${partnerId}/channels`).send(mastodon('https://9.9.9.9')).expect(201)).body;
      expect(channel.hasCredentials).toBe(true);
      // A change that keeps the target keeps the credentials.
      const renamed = (await manager.patch(`/api/channels/${channel.id}`).send({ handle: '@renamed', instanceUrl: 'https://9.9.9.9/' }).expect(200)).body;
      expect([renamed.hasCredentials, renamed.status]).toEqual([true, 'active']);

      const moved = (await manager.patch(`/api/channels/${channel.id}`).send({ instanceUrl: 'https://1.1.1.1' }).expect(200)).body;
      expect([moved.hasCredentials, moved.status, moved.instanceUrl]).toEqual([false, 'needs_reauth', 'https://1.1.1.1']);
      const [row] = await ds.query(`SELECT credentials_encrypted FROM channels WHERE id = $1`, [channel.id]);
      expect(row.credentials_encrypted).toBeNull();
      const audit = await ds.query(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id`, [channel.id]);
      expect(audit.map((a: { action: string }) => a.action)).toContain('channel.credentials_cleared');

      // Reconnecting makes it active again.
      const back = (await manager.put(`/api/channels/${channel.id}/credentials`).send({ credentials: { accessToken: 'new-token' } }).expect(200)).body;
      expect([back.hasCredentials, back.status]).toEqual([true, 'active']);
    });

    it('checks the instance again at connection time: a private address gets no request and no token', async () => {
      const emulator = await new MastodonEmulator({ accounts: [{ id: 'a1', username: 'a1', token: 'the-token' }] }).start();
      try {
        const adapter = t.app.get(AdapterRegistry).for('mastodon');
        const channel = { channelId: randomUUID(), network: 'mastodon' as const, handle: '@a1', externalId: 'a1', instanceUrl: emulator.url, credentials: { accessToken: 'the-token' } };
        const request = { deliveryId: randomUUID(), idempotencyKey: randomUUID(), text: 'hello', media: [], link: null };
        const err = await adapter.publish(channel, request).then(() => null, (e: unknown) => e);
        expect(err).toBeInstanceOf(NetworkError);
        expect((err as NetworkError).kind).toBe('auth');
        expect(emulator.requests).toHaveLength(0);
      } finally {
        await emulator.close();
      }
    });
  });

  describe('2. webhooks', () => {
    it('refuses private and reserved webhook addresses, and audits every change', async () => {
      for (const url of PRIVATE_URLS) {
        const res = await manager.put(`/api/partners/${partnerId}/webhook`).send({ url, secret: 'a-secret-of-16-chars' });
        expect([url, res.status, res.body.code]).toEqual([url, 400, 'validation_failed']);
      }
      expect(await ds.query(`SELECT 1 FROM partner_webhooks WHERE partner_id = $1`, [partnerId])).toHaveLength(0);
      await manager.put(`/api/partners/${partnerId}/webhook`).send({ url: 'https://9.9.9.9/hook', secret: 'a-secret-of-16-chars' }).expect(200);
      await manager.put(`/api/partners/${partnerId}/webhook`).send({ url: 'https://1.1.1.1/hook', secret: 'another-secret-16ch' }).expect(200);
      await manager.delete(`/api/partners/${partnerId}/webhook`).expect(204);
      const audit = (await ds.query(`SELECT action, before, after FROM audit_events WHERE entity_id = $1 AND action LIKE 'partner.webhook%' ORDER BY id`, [partnerId])) as Array<{ action: string; before: unknown; after: unknown }>;
      expect(audit).toEqual([
        { action: 'partner.webhook_set', before: null, after: { url: 'https://9.9.9.9/hook' } },
        { action: 'partner.webhook_set', before: { url: 'https://9.9.9.9/hook' }, after: { url: 'https://1.1.1.1/hook' } },
        { action: 'partner.webhook_removed', before: { url: 'https://1.1.1.1/hook' }, after: null },
      ]);
      expect(JSON.stringify(audit)).not.toContain('secret-16');
    });

    it('queues webhook events for the worker instead of calling them during the request', async () => {
      const w = await aJointPost(t, { manager });
      const target = w.partners[0].id;
      await t.as('partner', { partnerId: target }); // someone to notify
      // 9.9.9.9 does not answer from this machine: a synchronous call would hang the submit.
      await manager.put(`/api/partners/${target}/webhook`).send({ url: 'https://9.9.9.9/hook', secret: 'a-secret-of-16-chars' }).expect(200);
      await manager.post(`/api/posts/${w.post.id}/submit`).expect(200);
      const queue = t.app.get<Queue<DeliverWebhookJob>>(getQueueToken(QueueName.Webhooks));
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active']);
      const mine = jobs.filter((j) => j.data.partnerId === target);
      expect(mine.map((j) => [j.data.kind, j.data.payload.postId])).toEqual([['approval_requested', w.post.id]]);
      expect(mine[0].opts.attempts).toBeGreaterThan(1);
      expect(mine[0].opts.backoff).toMatchObject({ type: 'exponential' });
      for (const j of mine) await j.remove();
      await manager.delete(`/api/partners/${target}/webhook`).expect(204);
    });

    it('the sender refuses a private address stored before the rule, without retrying and without a request', async () => {
      let hits = 0;
      const server = http.createServer((_req, res) => {
        hits++;
        res.end('ok');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
        const envelope = new CredentialCipher(process.env.CHORUS_SECRET_KEY!).encrypt(`webhook:${partnerId}`, { secret: 'a-secret-of-16-chars' } as never);
        await ds.query(`INSERT INTO partner_webhooks (partner_id, url, secret_encrypted) VALUES ($1, $2, $3)`, [partnerId, url, envelope]);
        const job: DeliverWebhookJob = { partnerId, eventId: randomUUID(), kind: 'delivery_failed', payload: {}, occurredAt: new Date().toISOString() };
        await expect(t.app.get(PartnerWebhookService).send(job)).rejects.toBeInstanceOf(UnrecoverableError);
        expect(hits).toBe(0);
      } finally {
        await ds.query(`DELETE FROM partner_webhooks WHERE partner_id = $1`, [partnerId]);
        server.close();
      }
    });
  });
});

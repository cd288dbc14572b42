import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PostMetricsTicker } from '../../src/analytics/post-metrics/post-metrics-ticker.service';
import { MastodonEmulator } from '../emulators/mastodon.emulator';
import { createPartnerWithChannels, publishedPost } from '../support/analytics-fixtures';
import { deleteQueueKeys, startWorker, usePrivateRedisPrefix, waitFor } from '../support/pipeline-fixtures';
import { uniqueSlug } from '../support/builders';
import { createTestApp, TestApp } from '../support/test-app';

describe('per-post figures read by the worker at the configured ages', () => {
  // Ticks only when the test asks; ages 1 h and 24 h.
  const { prefix } = usePrivateRedisPrefix({ ANALYTICS_POLL_TICK_MS: '3600000', ANALYTICS_POST_METRIC_TICK_MS: '3600000', ANALYTICS_POST_METRIC_AGES: '1h,24h' });
  let t: TestApp;
  let worker: INestApplicationContext;
  let emulator: MastodonEmulator;
  let db: DataSource;

  beforeAll(async () => {
    emulator = await new MastodonEmulator({ accounts: [] }).start();
    t = await createTestApp();
    worker = await startWorker();
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await emulator?.close();
    await deleteQueueKeys(prefix);
  });

  const readings = (deliveryId: string) =>
    db.query(
      `SELECT age, outcome, source, views, likes, reposts, replies, quotes, error_kind FROM post_metric_snapshots WHERE delivery_id = $1 ORDER BY taken_at`,
      [deliveryId],
    ) as Promise<Array<Record<string, unknown>>>;

  it('reads a published post once per age it reached, keeps its source, and leaves what the network does not give as null', async () => {
    const manager = await t.as('manager');
    const partner = await manager.post('/api/partners').send({ slug: uniqueSlug('pm'), name: 'Per-post' }).expect(201);
    const accountId = String(Math.floor(Math.random() * 1e9));
    const token = uniqueSlug('tok');
    emulator.addAccount({ id: accountId, username: `u${accountId}`, token });
    const channel = await manager
      .post(`/api/partners/${partner.body.id}/channels`)
      .send({ network: 'mastodon', handle: `@u${accountId}`, externalId: accountId, instanceUrl: emulator.url, credentials: { accessToken: token } })
      .expect(201);
    const sandbox = await createPartnerWithChannels(manager, 'sbx', ['sandbox']);
    const now = Date.now();
    const campaign = await manager
      .post('/api/campaigns')
      .send({
        slug: uniqueSlug('pm'), name: 'Per-post', timeZone: 'Europe/Paris',
        startsAt: new Date(now - 2 * 86_400_000).toISOString(), endsAt: new Date(now + 20 * 86_400_000).toISOString(),
        partnerIds: [partner.body.id, sandbox.id],
      })
      .expect(201);

    // The status really exists on the instance: posted through Mastodon's API with the channel's token.
    const created = await fetch(`${emulator.url}/api/v1/statuses`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'Découvrez nos partenaires' }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const post = await publishedPost(t, manager, campaign.body.id, {
      channelIds: [channel.body.id, sandbox.channelIds[0]], featuredPartnerIds: [partner.body.id], publishedAt: new Date(now - 2 * 3_600_000),
    });
    const onMastodon = post.deliveryIds[channel.body.id];
    const onSandbox = post.deliveryIds[sandbox.channelIds[0]];
    await db.query(`UPDATE deliveries SET external_id = $2 WHERE id = $1`, [onMastodon, created.id]);
    emulator.postInteractions.set(created.id, { likes: 11, reposts: 4, replies: 2 });

    // Two hours after publication: the 1 h reading is due, the 24 h one is not.
    expect((await worker.get(PostMetricsTicker).tick(0)).enqueued).toBeGreaterThanOrEqual(2);
    const first = await waitFor(async () => ((await readings(onMastodon)).length ? readings(onMastodon) : null), { what: 'the 1 h reading', timeoutMs: 15_000 });
    expect(first).toEqual([
      { age: '1h', outcome: 'ok', source: 'mastodon GET /api/v1/statuses/:id', views: null, likes: 11, reposts: 4, replies: 2, quotes: 0, error_kind: null },
    ]);
    // The sandbox (the demo's network) makes figures up; it gives no quotes: not available, not 0.
    const sandboxRows = await waitFor(async () => ((await readings(onSandbox)).length ? readings(onSandbox) : null), { what: 'the sandbox reading', timeoutMs: 15_000 });
    expect(sandboxRows).toEqual([expect.objectContaining({ age: '1h', outcome: 'ok', quotes: null })]);
    expect(sandboxRows[0].views).toBeGreaterThan(0);

    // Nothing more is due until the next age.
    expect((await worker.get(PostMetricsTicker).tick(0)).enqueued).toBe(0);

    // A day later (the publication moved back), the 24 h reading sees the new counts.
    await db.query(`UPDATE deliveries SET published_at = published_at - interval '1 day' WHERE post_id = $1`, [post.postId]);
    emulator.postInteractions.set(created.id, { likes: 30, reposts: 9, replies: 5 });
    await worker.get(PostMetricsTicker).tick(0);
    const both = await waitFor(async () => ((await readings(onMastodon)).length === 2 ? readings(onMastodon) : null), { what: 'the 24 h reading', timeoutMs: 15_000 });
    expect(both[1]).toMatchObject({ age: '24h', outcome: 'ok', likes: 30 });
    const [latest] = await db.query(`SELECT likes, reposts FROM post_metrics_latest WHERE delivery_id = $1`, [onMastodon]);
    expect(latest).toEqual({ likes: 30, reposts: 9 });
  });

  it('records a rate-limited reading as a failure with its retry time, never as zeros', async () => {
    const manager = await t.as('manager');
    const partner = await manager.post('/api/partners').send({ slug: uniqueSlug('pm'), name: 'Limited' }).expect(201);
    const accountId = String(Math.floor(Math.random() * 1e9));
    const token = uniqueSlug('tok');
    emulator.addAccount({ id: accountId, username: `u${accountId}`, token });
    const channel = await manager
      .post(`/api/partners/${partner.body.id}/channels`)
      .send({ network: 'mastodon', handle: `@u${accountId}`, externalId: accountId, instanceUrl: emulator.url, credentials: { accessToken: token } })
      .expect(201);
    const now = Date.now();
    const campaign = await manager
      .post('/api/campaigns')
      .send({ slug: uniqueSlug('pm'), name: 'Limited', timeZone: 'Europe/Paris', startsAt: new Date(now - 86_400_000).toISOString(), endsAt: new Date(now + 86_400_000).toISOString(), partnerIds: [partner.body.id] })
      .expect(201);
    const created = await fetch(`${emulator.url}/api/v1/statuses`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'Limité' }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const post = await publishedPost(t, manager, campaign.body.id, { channelIds: [channel.body.id], featuredPartnerIds: [partner.body.id], publishedAt: new Date(now - 2 * 3_600_000) });
    const deliveryId = post.deliveryIds[channel.body.id];
    await db.query(`UPDATE deliveries SET external_id = $2 WHERE id = $1`, [deliveryId, created.id]);

    emulator.inject({ kind: 'rate_limit', resetInSeconds: 900 }, `/api/v1/statuses/${created.id}`);
    await worker.get(PostMetricsTicker).tick(0);
    const rows = await waitFor(async () => ((await readings(deliveryId)).length ? readings(deliveryId) : null), { what: 'a failed reading', timeoutMs: 15_000 });
    expect(rows).toEqual([expect.objectContaining({ age: '1h', outcome: 'failed', error_kind: 'rate_limited', likes: null, views: null })]);
    const [{ retry_at }] = await db.query(`SELECT retry_at FROM post_metric_snapshots WHERE delivery_id = $1`, [deliveryId]);
    expect(new Date(retry_at).getTime()).toBeGreaterThan(Date.now() + 800_000);
    // The delivery's figures stay unread (not zeros), and it is not asked again before its retry time.
    const [latest] = await db.query(`SELECT taken_at, likes, views FROM post_metrics_latest WHERE delivery_id = $1`, [deliveryId]);
    expect(latest).toEqual({ taken_at: null, likes: null, views: null });
    expect((await worker.get(PostMetricsTicker).tick(0)).enqueued).toBe(0);
  });
});

import { MastodonEmulator } from '../emulators/mastodon.emulator';
import { createUser } from '../support/test-app';
import { usePrivateRedisPrefix, waitFor } from '../support/pipeline-fixtures';
import { acceptedCounts, Pipeline, startPipeline, waitForAll, waitForStatus } from './pipeline-harness';

usePrivateRedisPrefix();

/**
 * API → Postgres → BullMQ → worker → Mastodon emulator, for each fault class. Mastodon is reached
 * through each channel's instance_url, so no base-URL variable is needed.
 */
describe('publishing pipeline on Mastodon', () => {
  let p: Pipeline;
  let emulator: MastodonEmulator;
  let campaignId: string;
  let partnerId: string;
  let accountSeq = 0;

  beforeAll(async () => {
    emulator = await new MastodonEmulator({ accounts: [] }).start();
    p = await startPipeline();
    campaignId = await p.fixtures.campaign();
    partnerId = await p.fixtures.partner();
  });

  afterAll(async () => {
    await p?.close();
    await emulator?.close();
  });

  afterEach(() => emulator.clearFaults());

  async function channels(n: number): Promise<string[]> {
    const specs = Array.from({ length: n }, () => {
      const id = `m${++accountSeq}`;
      emulator.addAccount({ id, username: id, token: `tok-${id}` });
      return { network: 'mastodon' as const, externalId: id, handle: `@${id}`, instanceUrl: emulator.url, credentials: { accessToken: `tok-${id}` } };
    });
    return p.fixtures.channels(partnerId, specs);
  }

  async function release(channelIds: string[], posts = 1, tag = `t${Date.now()}-${accountSeq}`) {
    const r = await p.fixtures.release({ campaignId, channelIds, posts, dueAt: new Date(Date.now() + 500), tag });
    await p.scheduler.enqueue(r.deliveryIds);
    return r;
  }

  it('publishes every approved delivery of a release exactly once, and the API reports the post published', async () => {
    const ids = await channels(3);
    const r = await release(ids, 2);
    await waitForAll(p, r.deliveryIds, 'published');
    expect([...acceptedCounts(emulator, r.texts.values()).values()]).toEqual([1, 1, 1, 1, 1, 1]);
    const d = await p.fixtures.delivery(r.deliveryIds[0]);
    expect(d.external_id).toBeTruthy();
    expect(d.external_url).toContain(emulator.url.replace('http://', ''));
    const http = await p.api.as('manager');
    const res = await http.get(`/api/posts/${r.postIds[0]}`).expect(200);
    expect(res.body.status).toBe('published');
    const audits = await p.db.query(`SELECT action FROM audit_events WHERE entity_id = $1`, [r.deliveryIds[0]]);
    expect(audits.map((a: { action: string }) => a.action)).toEqual(['delivery.published']);
  });

  it('retries a transient 503 with backoff and publishes once', async () => {
    const [ch] = await channels(1);
    emulator.inject({ kind: 'server_error', status: 503 }, 'publish', 1);
    const r = await release([ch]);
    const d = await waitForStatus(p, r.deliveryIds[0], 'published');
    expect(d.attempts).toBe(2);
    expect([...acceptedCounts(emulator, r.texts.values()).values()]).toEqual([1]);
  });

  it('looks before retrying when the server committed the post and then answered 500', async () => {
    const [ch] = await channels(1);
    emulator.inject({ kind: 'server_error_after_commit', status: 500 }, 'publish', 1);
    const r = await release([ch]);
    await waitForStatus(p, r.deliveryIds[0], 'published');
    expect([...acceptedCounts(emulator, r.texts.values()).values()]).toEqual([1]);
  });

  it('looks before retrying after a connection reset mid-request (post stored)', async () => {
    const [ch] = await channels(1);
    emulator.inject({ kind: 'connection_reset', afterCommit: true }, 'publish', 1);
    const r = await release([ch]);
    await waitForStatus(p, r.deliveryIds[0], 'published');
    expect([...acceptedCounts(emulator, r.texts.values()).values()]).toEqual([1]);
  });

  it('gives up on a hanging server only after timing out, then publishes on the retry', async () => {
    const [ch] = await channels(1);
    emulator.inject({ kind: 'hang', ms: 8000 }, 'publish', 1);
    const r = await release([ch]);
    const d = await waitForStatus(p, r.deliveryIds[0], 'published');
    expect(d.attempts).toBeGreaterThanOrEqual(2);
    expect([...acceptedCounts(emulator, r.texts.values()).values()]).toEqual([1]);
  });

  it('waits for the ISO reset time on a 429 and holds the channel back, without using an attempt', async () => {
    const [ch] = await channels(1);
    emulator.inject({ kind: 'rate_limit', resetInSeconds: 2 }, 'publish', 1);
    const r = await release([ch], 2);
    await waitForAll(p, r.deliveryIds, 'published', 30_000);
    const d = await p.fixtures.delivery(r.deliveryIds[0]);
    const rateLimited = await p.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'delivery.retry_scheduled' AND after->>'errorKind' = 'rate_limited' AND entity_id = ANY($1)`, [r.deliveryIds]);
    expect(rateLimited[0].n).toBe(1);
    expect(d.attempts).toBe(1);
    expect([...acceptedCounts(emulator, r.texts.values()).values()]).toEqual([1, 1]);
  });

  it('marks the channel needs_reauth and fails the delivery with a clear message on a revoked token', async () => {
    const [ch] = await channels(1);
    const staff = await createUser(p.api.app, 'partner', { partnerId });
    emulator.inject({ kind: 'revoked_token' }, 'publish', 1);
    const r = await release([ch]);
    const d = await waitForStatus(p, r.deliveryIds[0], 'failed');
    expect(d.error_kind).toBe('auth');
    expect(d.error_message).toMatch(/reconnect/i);
    const [channel] = await p.db.query(`SELECT status FROM channels WHERE id = $1`, [ch]);
    expect(channel.status).toBe('needs_reauth');
    const events = await p.db.query(`SELECT action FROM audit_events WHERE entity_type = 'channel' AND entity_id = $1`, [ch]);
    expect(events.map((e: { action: string }) => e.action)).toContain('channel.needs_reauth');
    expect(emulator.posts.filter((x) => x.text === [...r.texts.values()][0])).toHaveLength(0);
    // The partner's staff is told, in its inbox.
    // (Notifications are written just after the delivery's final state: wait for them.)
    const inbox = async () => (await p.db.query(`SELECT kind FROM notifications WHERE user_id = $1 AND payload->>'channelId' = $2 ORDER BY kind`, [staff.id, ch])).map((n: { kind: string }) => n.kind);
    const told = await waitFor(async () => ((await inbox()).length >= 2 ? inbox() : null), { what: 'the partner notifications' });
    expect(told).toEqual(['channel_needs_reauth', 'delivery_failed']);
  });

  it('fails a content error at once, without retrying', async () => {
    const [ch] = await channels(1);
    emulator.inject({ kind: 'unprocessable', message: 'Validation failed: Text character limit of 500 exceeded' }, 'publish', 1);
    const r = await release([ch]);
    const d = await waitForStatus(p, r.deliveryIds[0], 'failed');
    expect(d.error_kind).toBe('content');
    expect(d.attempts).toBe(1);
    expect(d.error_message).toMatch(/character limit/);
  });

  it('skips a delivery still unapproved at its minute', async () => {
    const [ch] = await channels(1);
    const r = await p.fixtures.release({ campaignId, channelIds: [ch], posts: 1, dueAt: new Date(Date.now() + 200), tag: `unapproved-${accountSeq}`, approved: false });
    const d = await waitForStatus(p, r.deliveryIds[0], 'skipped', 15_000);
    expect(d.error_kind).toBe('not_approved');
    expect(d.error_message).toMatch(/not approved/);
  });

  describe('manager operations', () => {
    it('cancels a post: its jobs go and its deliveries are cancelled', async () => {
      const ids = await channels(2);
      const r = await p.fixtures.release({ campaignId, channelIds: ids, posts: 1, dueAt: new Date(Date.now() + 3000), tag: `cancel-${accountSeq}` });
      await p.scheduler.enqueue(r.deliveryIds);
      const http = await p.api.as('manager');
      const res = await http.post(`/api/posts/${r.postIds[0]}/cancel`).expect(200);
      expect(res.body.deliveryIds.sort()).toEqual([...r.deliveryIds].sort());
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect(await p.fixtures.statuses(r.deliveryIds)).toEqual({ cancelled: 2 });
      expect([...acceptedCounts(emulator, r.texts.values()).values()]).toEqual([0, 0]);
      const post = await http.get(`/api/posts/${r.postIds[0]}`).expect(200);
      expect(post.body.status).toBe('cancelled');
    });

    it('reschedules a post: due_at and jobs move', async () => {
      const [ch] = await channels(1);
      const r = await p.fixtures.release({ campaignId, channelIds: [ch], posts: 1, dueAt: new Date(Date.now() + 60 * 60_000), tag: `resched-${accountSeq}` });
      await p.scheduler.enqueue(r.deliveryIds);
      const soon = new Date(Date.now() + 1500).toISOString();
      const http = await p.api.as('manager');
      await http.patch(`/api/posts/${r.postIds[0]}`).send({ scheduledAt: soon }).expect(200);
      await waitForStatus(p, r.deliveryIds[0], 'published', 20_000);
    });

    it('retries a failed delivery once the manager asks', async () => {
      const [ch] = await channels(1);
      emulator.inject({ kind: 'unprocessable', message: 'Validation failed: something' }, 'publish', 1);
      const r = await release([ch]);
      await waitForStatus(p, r.deliveryIds[0], 'failed');
      const http = await p.api.as('manager');
      await http.post(`/api/deliveries/${r.deliveryIds[0]}/retry`).expect(200);
      await waitForStatus(p, r.deliveryIds[0], 'published');
      await http.post(`/api/deliveries/${r.deliveryIds[0]}/retry`).expect(409);
    });

    it('pauses a channel (its deliveries wait) and resumes it (they go out)', async () => {
      const [ch] = await channels(1);
      const http = await p.api.as('manager');
      await http.post(`/api/channels/${ch}/pause`).expect(200);
      const r = await release([ch]);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await p.fixtures.delivery(r.deliveryIds[0])).status).toBe('approved');
      await http.post(`/api/channels/${ch}/resume`).expect(200);
      await waitForStatus(p, r.deliveryIds[0], 'published');
      await http.post(`/api/channels/${ch}/resume`).expect(409);
    });
  });
});

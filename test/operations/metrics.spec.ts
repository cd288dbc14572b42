import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { MastodonEmulator } from '../emulators/mastodon.emulator';
import { FollowerPoller } from '../../src/analytics/snapshots/follower-poller.service';
import { WorkerMetricsServer } from '../../src/metrics/worker-metrics.server';
import { usePrivateRedisPrefix } from '../support/pipeline-fixtures';
import { Pipeline, startPipeline, waitForStatus } from '../pipeline/pipeline-harness';
import { CHORUS_FAMILIES, families, sample } from './prometheus-text';

const token = randomBytes(24).toString('base64url');
usePrivateRedisPrefix({ METRICS_TOKEN: token });

/** A port nobody listens on right now (the worker's metrics server binds it next). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * /metrics on the API (bearer METRICS_TOKEN) and on the worker's own port, against the real
 * pipeline: API → Postgres → BullMQ → worker → Mastodon emulator.
 */
describe('operations metrics', () => {
  let p: Pipeline;
  let emulator: MastodonEmulator;
  let workerUrl: string;
  let campaignId: string;
  let partnerId: string;
  let seq = 0;

  beforeAll(async () => {
    process.env.WORKER_METRICS_PORT = String(await freePort());
    emulator = await new MastodonEmulator({ accounts: [] }).start();
    p = await startPipeline();
    workerUrl = `http://127.0.0.1:${p.worker.get(WorkerMetricsServer).port()}`;
    campaignId = await p.fixtures.campaign();
    partnerId = await p.fixtures.partner();
  });

  afterAll(async () => {
    await p?.close();
    await emulator?.close();
    delete process.env.WORKER_METRICS_PORT;
    delete process.env.METRICS_TOKEN;
  });

  afterEach(() => emulator.clearFaults());

  async function workerMetrics(): Promise<string> {
    const res = await fetch(`${workerUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text();
  }

  async function oneChannel(): Promise<string> {
    const id = `ops${++seq}`;
    emulator.addAccount({ id, username: id, token: `tok-${id}`, followers: 120 });
    const [channelId] = await p.fixtures.channels(partnerId, [
      { network: 'mastodon', externalId: id, handle: `@${id}`, instanceUrl: emulator.url, credentials: { accessToken: `tok-${id}` } },
    ]);
    return channelId;
  }

  async function oneDelivery(): Promise<string> {
    const channelId = await oneChannel();
    const r = await p.fixtures.release({ campaignId, channelIds: [channelId], posts: 1, dueAt: new Date(Date.now() + 300), tag: `metrics-${channelId}` });
    await p.scheduler.enqueue(r.deliveryIds);
    return r.deliveryIds[0];
  }

  it('the API serves every family to the bearer of METRICS_TOKEN, and refuses anyone else', async () => {
    await p.api.http().get('/metrics').expect(401);
    await p.api.http().get('/metrics').set('authorization', 'Bearer not-the-token').expect(401);
    const manager = await p.api.as('manager');
    await manager.get('/metrics').expect(401);
    const res = await p.api.http().get('/metrics').set('authorization', `Bearer ${token}`).expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const found = families(res.text);
    for (const [name, kind] of Object.entries(CHORUS_FAMILIES)) expect([name, found.get(name)]).toEqual([name, kind]);
    expect(found.has('process_resident_memory_bytes')).toBe(true);
    for (const state of ['waiting', 'delayed', 'active']) {
      expect(res.text).toMatch(new RegExp(`^chorus_queue_jobs\\{queue="publish",state="${state}"\\} \\d+$`, 'm'));
    }
  });

  it('the worker serves every family and a liveness answer on its own port, with the same token', async () => {
    const health = await fetch(`${workerUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${workerUrl}/metrics`)).status).toBe(401);
    const found = families(await workerMetrics());
    for (const [name, kind] of Object.entries(CHORUS_FAMILIES)) expect([name, found.get(name)]).toEqual([name, kind]);
  });

  it('a published delivery moves the lateness histogram, the deliveries gauge and the ok calls', async () => {
    const before = await workerMetrics();
    const deliveryId = await oneDelivery();
    await waitForStatus(p, deliveryId, 'published');
    const after = await workerMetrics();
    expect(sample(after, 'chorus_delivery_lateness_seconds_count') - sample(before, 'chorus_delivery_lateness_seconds_count')).toBe(1);
    expect(sample(after, 'chorus_deliveries', { status: 'published' }) - sample(before, 'chorus_deliveries', { status: 'published' })).toBe(1);
    const ok = { network: 'mastodon', operation: 'publish', outcome: 'ok' };
    expect(sample(after, 'chorus_network_calls_total', ok) - sample(before, 'chorus_network_calls_total', ok)).toBe(1);
    // The figure comes from PostgreSQL: the API, which published nothing, reports it too.
    const api = await p.api.http().get('/metrics').set('authorization', `Bearer ${token}`).expect(200);
    expect(sample(api.text, 'chorus_deliveries', { status: 'published' })).toBe(sample(after, 'chorus_deliveries', { status: 'published' }));
  });

  it('a network error is counted by its class', async () => {
    const transient = { network: 'mastodon', operation: 'publish', outcome: 'transient' };
    const before = await workerMetrics();
    emulator.inject({ kind: 'server_error', status: 503 }, 'publish', 1);
    const deliveryId = await oneDelivery();
    await waitForStatus(p, deliveryId, 'published');
    const after = await workerMetrics();
    expect(sample(after, 'chorus_network_calls_total', transient) - sample(before, 'chorus_network_calls_total', transient)).toBe(1);
    expect(sample(after, 'chorus_network_call_duration_seconds_count', { network: 'mastodon', operation: 'publish' })).toBeGreaterThanOrEqual(2);
  });

  it('a follower poll is counted by network and outcome', async () => {
    const counted = { network: 'mastodon', outcome: 'count' };
    const failed = { network: 'mastodon', outcome: 'failed' };
    const before = await workerMetrics();
    const channelId = await oneChannel();
    const poller = p.worker.get(FollowerPoller);
    expect(await poller.poll({ channelId, source: 'manual' })).toMatchObject({ outcome: 'count', followers: 120 });
    emulator.inject({ kind: 'server_error', status: 503 }, 'any', 1);
    expect(await poller.poll({ channelId, source: 'manual' }, new Date(Date.now() + 1000))).toMatchObject({ outcome: 'failed' });
    const after = await workerMetrics();
    expect(sample(after, 'chorus_follower_polls_total', counted) - sample(before, 'chorus_follower_polls_total', counted)).toBe(1);
    expect(sample(after, 'chorus_follower_polls_total', failed) - sample(before, 'chorus_follower_polls_total', failed)).toBe(1);
    const readFailed = { network: 'mastodon', operation: 'readFollowers', outcome: 'transient' };
    expect(sample(after, 'chorus_network_calls_total', readFailed) - sample(before, 'chorus_network_calls_total', readFailed)).toBe(1);
  });

  it.each(['reconciler', 'promoter'])('each %s pass is timed', async (pass) => {
    const before = sample(await workerMetrics(), 'chorus_pass_duration_seconds_count', { pass });
    // RECONCILE_INTERVAL_MS is 1 s in pipeline tests: wait for the next passes rather than for a duration.
    let now = before;
    for (let i = 0; i < 100 && now <= before; i++) {
      await new Promise((r) => setTimeout(r, 200));
      now = sample(await workerMetrics(), 'chorus_pass_duration_seconds_count', { pass });
    }
    expect(now).toBeGreaterThan(before);
  });
});

import { ChildProcess } from 'node:child_process';
import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PublishScheduler } from '../../src/queue/publish-scheduler.service';
import { RouteHandler } from '../emulators/emulator';
import { MastodonEmulator } from '../emulators/mastodon.emulator';
import {
  deleteQueueKeys,
  PipelineFixtures,
  spawnWorker,
  startWorker,
  usePrivateRedisPrefix,
  waitFor,
  waitForWorkerStart,
} from '../support/pipeline-fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { aCampaign, mastodonOn } from '../support/builders';
import { acceptedCounts } from './pipeline-harness';

const { prefix } = usePrivateRedisPrefix();

/**
 * The Mastodon emulator with an optional pause before it answers a request, so a test can make a
 * release last long enough to interrupt it at a chosen point, however fast the pipeline is.
 */
class SlowMastodonEmulator extends MastodonEmulator {
  answerDelayMs = 0;

  protected override route(method: string, path: string, handler: RouteHandler): void {
    super.route(method, path, async (req, res) => {
      if (this.answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.answerDelayMs));
      return handler(req, res);
    });
  }
}

/**
 * Exactly once, whatever happens to the workers or to Redis: every test asserts on what the
 * emulator accepted, not on what our database says.
 */
describe('publishing pipeline resilience', () => {
  let api: TestApp;
  let db: DataSource;
  let fixtures: PipelineFixtures;
  let scheduler: PublishScheduler;
  let emulator: SlowMastodonEmulator;
  let campaignId: string;
  let partnerId: string;
  let seq = 0;
  const children: ChildProcess[] = [];
  const workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    emulator = await new SlowMastodonEmulator({ accounts: [] }).start();
    emulator.maxRecordedRequests = 0;
    api = await createTestApp();
    db = api.app.get(DataSource);
    fixtures = new PipelineFixtures(db);
    scheduler = api.app.get(PublishScheduler);
    campaignId = await fixtures.campaign();
    partnerId = await fixtures.partner();
  });

  afterEach(async () => {
    emulator.answerDelayMs = 0;
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const w of workers.splice(0)) await w.close();
  });

  afterAll(async () => {
    await api?.close();
    await emulator?.close();
  });

  async function channels(n: number): Promise<string[]> {
    const specs = Array.from({ length: n }, () => {
      const id = `r${++seq}`;
      emulator.addAccount({ id, username: id, token: `tok-${id}` });
      return { network: 'mastodon' as const, externalId: id, handle: `@${id}`, instanceUrl: emulator.url, credentials: { accessToken: `tok-${id}` } };
    });
    return fixtures.channels(partnerId, specs);
  }

  async function release(channelCount: number, postsPerChannel: number, tag: string) {
    const ids = await channels(channelCount);
    return fixtures.release({ campaignId, channelIds: ids, posts: postsPerChannel, dueAt: new Date(Date.now() + 1000), tag });
  }

  function published(ids: string[]): Promise<number> {
    return fixtures.statuses(ids).then((s) => s.published ?? 0);
  }

  function expectExactlyOnce(texts: Iterable<string>): void {
    const counts = acceptedCounts(emulator, texts);
    const wrong = [...counts].filter(([, n]) => n !== 1);
    expect(wrong).toEqual([]);
  }

  /**
   * A worker on a slow release (every answer after 25 ms, so the release lasts seconds whatever the
   * pipeline's own speed), stopped with `signal` once `after` deliveries are published: it stops
   * mid-release, with posts in flight.
   */
  async function interruptMidRelease(deliveryIds: string[], concurrency: number, after: number, signal: NodeJS.Signals): Promise<void> {
    emulator.answerDelayMs = 25;
    const worker = spawnWorker({ WORKER_CONCURRENCY: String(concurrency) });
    children.push(worker);
    await waitForWorkerStart(worker);
    await scheduler.enqueue(deliveryIds);
    await waitFor(async () => (await published(deliveryIds)) >= after, { timeoutMs: 60_000, intervalMs: 20, what: `${after} publications` });
    worker.kill(signal);
    await new Promise((resolve) => worker.once('exit', resolve));
  }

  /** A new worker takes over and publishes the rest. */
  async function finishWithNewWorker(deliveryIds: string[]): Promise<void> {
    const worker = spawnWorker({ WORKER_CONCURRENCY: '8' });
    children.push(worker);
    await waitForWorkerStart(worker);
    await waitFor(async () => (await published(deliveryIds)) === deliveryIds.length, { timeoutMs: 90_000, what: `all ${deliveryIds.length} published` });
  }

  it('publishes each of 500 deliveries exactly once when a worker is SIGKILLed mid-release and restarted', async () => {
    const r = await release(50, 10, `crash-${Date.now()}`);
    // 4 jobs at a time: the kill (at ~20%) lands mid-release.
    await interruptMidRelease(r.deliveryIds, 4, 100, 'SIGKILL');
    const atKill = await published(r.deliveryIds);
    expect(atKill).toBeLessThan(500);

    await finishWithNewWorker(r.deliveryIds);
    expectExactlyOnce(r.texts.values());
    expect(emulator.posts.filter((p) => p.text.startsWith('crash-'))).toHaveLength(500);
  }, 180_000);

  it('records every publication it made when a worker is stopped with SIGTERM mid-release', async () => {
    // A worker that is stopped lets its running jobs finish, records included, before its
    // database closes: nothing stays `publishing`.
    const tag = `term-${Date.now()}`;
    const r = await release(30, 10, tag);
    await interruptMidRelease(r.deliveryIds, 16, 60, 'SIGTERM');

    const accepted = emulator.posts.filter((p) => p.text.startsWith(`${tag} `)).length;
    const statuses = await fixtures.statuses(r.deliveryIds);
    expect(accepted).toBeLessThan(300);
    expect(statuses.publishing ?? 0).toBe(0);
    expect(statuses.published).toBe(accepted);

    await finishWithNewWorker(r.deliveryIds);
    expectExactlyOnce(r.texts.values());
  }, 180_000);

  it('recovers, without sending it again, a post the network accepted right before its worker was SIGKILLed', async () => {
    const tag = `accepted-${Date.now()}`;
    const campaign = await aCampaign().withPartners(1).withChannels(1, mastodonOn(emulator, tag)).build(fixtures);
    const r = await campaign.release({ posts: 1, dueAt: new Date(Date.now() + 1000), tag });
    const [deliveryId] = r.deliveryIds;
    const text = r.texts.get(deliveryId)!;
    // The emulator stores the post, then holds its answer: the worker is killed before it hears it.
    emulator.inject({ kind: 'hang', ms: 30_000, afterCommit: true }, 'publish', 1);
    const worker = spawnWorker({ WORKER_CONCURRENCY: '4' });
    children.push(worker);
    await waitForWorkerStart(worker);
    await scheduler.enqueue(r.deliveryIds);
    await waitFor(async () => acceptedCounts(emulator, [text]).get(text) === 1, { timeoutMs: 60_000, intervalMs: 20, what: 'the network to accept the post' });
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));
    expect((await fixtures.delivery(deliveryId)).status).toBe('publishing');

    await finishWithNewWorker(r.deliveryIds);
    expectExactlyOnce([text]);
    const [audit] = await db.query(`SELECT after->>'how' AS how FROM audit_events WHERE action = 'delivery.published' AND entity_id = $1`, [deliveryId]);
    expect(audit.how).toBe('found_after_crash');
  }, 180_000);

  it('restores the jobs from Postgres when the run\'s queue keys are deleted mid-release', async () => {
    const r = await release(30, 10, `redisloss-${Date.now()}`);
    workers.push(await startWorker());
    await scheduler.enqueue(r.deliveryIds);
    await waitFor(async () => (await published(r.deliveryIds)) >= 20, { timeoutMs: 30_000, intervalMs: 20, what: '20 publications' });
    const deleted = await deleteQueueKeys(prefix);
    expect(deleted).toBeGreaterThan(0);
    expect(await published(r.deliveryIds)).toBeLessThan(300);
    await waitFor(async () => (await published(r.deliveryIds)) === 300, { timeoutMs: 60_000, what: 'all 300 published' });
    expectExactlyOnce(r.texts.values());
  }, 120_000);

  it('never publishes a delivery twice when two workers race on the same release', async () => {
    const r = await release(40, 5, `race-${Date.now()}`);
    workers.push(await startWorker(), await startWorker());
    // Both the scheduler and a second enqueue (as a reconciler would) add the same jobs.
    await scheduler.enqueue(r.deliveryIds);
    await scheduler.enqueue(r.deliveryIds);
    await waitFor(async () => (await published(r.deliveryIds)) === 200, { timeoutMs: 60_000, what: 'all 200 published' });
    expectExactlyOnce(r.texts.values());
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'delivery.published' AND entity_id = ANY($1)`,
      [r.deliveryIds],
    );
    expect(n).toBe(200);
  }, 120_000);
});

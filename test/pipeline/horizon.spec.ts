import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { publishJobId } from '../../src/queue/publish-job';
import { QueueName } from '../../src/queue/queue-names';
import { MastodonEmulator } from '../emulators/mastodon.emulator';
import { aCampaign, BuiltCampaign, mastodonOn } from '../support/builders';
import { usePrivateRedisPrefix, waitFor } from '../support/pipeline-fixtures';
import { acceptedCounts, Pipeline, startPipeline, waitForStatus } from './pipeline-harness';

// A horizon of twenty seconds, so "beyond the horizon" is seconds away rather than an hour.
const HORIZON_MS = 20_000;
usePrivateRedisPrefix({ PUBLISH_HORIZON_MINUTES: String(HORIZON_MS / 60_000) });

/**
 * Redis holds the near future only: a delivery gets its job once due within the publish horizon
 * (the promoter adds it), and moving or cancelling a post beyond the horizon touches Postgres alone.
 */
describe('publish horizon', () => {
  let p: Pipeline;
  let emulator: MastodonEmulator;
  let queue: Queue;
  let campaign: BuiltCampaign;
  let seq = 0;

  beforeAll(async () => {
    emulator = await new MastodonEmulator({ accounts: [] }).start();
    p = await startPipeline();
    queue = p.api.app.get<Queue>(getQueueToken(QueueName.Publish));
    campaign = await aCampaign().withPartners(2).withChannels(2, mastodonOn(emulator, 'hz')).build(p.fixtures);
  });

  afterAll(async () => {
    await p?.close();
    await emulator?.close();
  });

  /** One approved post on one of the campaign's channels, due at `dueAt`, handed to the scheduler as an approval would. */
  async function approvedPost(dueAt: Date) {
    const tag = `horizon-${++seq}-${Date.now()}`;
    const r = await campaign.release({ posts: 1, dueAt, tag, channelIds: [campaign.channelIds[seq % campaign.channelIds.length]] });
    await p.scheduler.enqueue(r.deliveryIds);
    return { postId: r.postIds[0], deliveryId: r.deliveryIds[0], text: [...r.texts.values()][0] };
  }

  async function jobOf(deliveryId: string) {
    return queue.getJob(publishJobId(deliveryId, 1));
  }

  it('keeps a post due beyond the horizon out of Redis, then publishes it at its minute', async () => {
    const dueAt = new Date(Date.now() + HORIZON_MS + 4000);
    const d = await approvedPost(dueAt);
    expect(await jobOf(d.deliveryId)).toBeUndefined();
    expect((await p.fixtures.delivery(d.deliveryId)).enqueued_at).toBeNull();

    // The promoter adds its job once the minute comes within the horizon.
    await waitFor(async () => (await p.fixtures.delivery(d.deliveryId)).enqueued_at, { what: 'the promoter to add the job' });
    const published = await waitForStatus(p, d.deliveryId, 'published');
    expect(new Date(published.published_at).getTime()).toBeGreaterThanOrEqual(dueAt.getTime() - 2000);
    expect(acceptedCounts(emulator, [d.text]).get(d.text)).toBe(1);
  });

  it('moves a post into the horizon (its job is added) and out of it (its job goes, Postgres keeps it waiting)', async () => {
    const http = await p.api.as('manager');
    const far = new Date(Date.now() + 60 * 60_000);
    const d = await approvedPost(far);
    expect(await jobOf(d.deliveryId)).toBeUndefined();

    // Into the horizon: the move adds the job.
    await http.patch(`/api/posts/${d.postId}`).send({ scheduledAt: new Date(Date.now() + (3 * HORIZON_MS) / 4).toISOString() }).expect(200);
    expect(await jobOf(d.deliveryId)).toBeDefined();

    // Out of it again before the minute: the job goes, the delivery waits in Postgres.
    await http.patch(`/api/posts/${d.postId}`).send({ scheduledAt: far.toISOString() }).expect(200);
    expect(await jobOf(d.deliveryId)).toBeUndefined();
    const row = await p.fixtures.delivery(d.deliveryId);
    expect(row).toMatchObject({ status: 'approved', enqueued_at: null });
    expect(new Date(row.due_at).getTime()).toBe(far.getTime());

    // Back in, and out: it goes out once, at its new minute.
    const soon = new Date(Date.now() + 1000);
    await http.patch(`/api/posts/${d.postId}`).send({ scheduledAt: soon.toISOString() }).expect(200);
    await waitForStatus(p, d.deliveryId, 'published');
    expect(acceptedCounts(emulator, [d.text]).get(d.text)).toBe(1);
  });

  it('cancels a post beyond the horizon in Postgres alone', async () => {
    const http = await p.api.as('manager');
    const d = await approvedPost(new Date(Date.now() + 60 * 60_000));
    const jobId = publishJobId(d.deliveryId, 1);
    // Spies that call through: they only list what reached the queue about this delivery.
    const remove = jest.spyOn(Queue.prototype, 'remove');
    const add = jest.spyOn(Queue.prototype, 'add');
    const addBulk = jest.spyOn(Queue.prototype, 'addBulk');
    try {
      const res = await http.post(`/api/posts/${d.postId}/cancel`).expect(200);
      expect(res.body.deliveryIds).toEqual([d.deliveryId]);
      expect(remove.mock.calls.filter((c) => c[0] === jobId)).toEqual([]);
      expect(add.mock.calls.filter((c) => c[2]?.jobId === jobId)).toEqual([]);
      expect(addBulk.mock.calls.flatMap((c) => c[0]).filter((j) => j.opts?.jobId === jobId)).toEqual([]);
      // The queue was reachable all along: a delivery within the horizon does get its job removed.
      const near = await approvedPost(new Date(Date.now() + HORIZON_MS / 2));
      await http.post(`/api/posts/${near.postId}/cancel`).expect(200);
      expect(remove.mock.calls.filter((c) => c[0] === publishJobId(near.deliveryId, 1))).toHaveLength(1);
    } finally {
      remove.mockRestore();
      add.mockRestore();
      addBulk.mockRestore();
    }
    expect((await p.fixtures.delivery(d.deliveryId)).status).toBe('cancelled');
    expect(await jobOf(d.deliveryId)).toBeUndefined();
  });
});

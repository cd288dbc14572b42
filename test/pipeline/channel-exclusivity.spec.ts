import { DeliveryRepository, PostingLimitTable } from '../../src/campaigns/deliveries/delivery.repository';
import { claimPlan } from '../support/claim-plan';
import { usePrivateRedisPrefix, useWorldWithoutWorker } from '../support/pipeline-fixtures';

usePrivateRedisPrefix();

const NO_LIMITS: PostingLimitTable = { networks: [], posts: [], windowMs: [] };

/**
 * One publication at a time per channel across processes is Postgres' rule (the claim skips a
 * busy channel; a unique index settles races), not a Redis lock: two "workers" (two
 * DeliveryRepository instances) race for two deliveries of one channel.
 */
describe('one publishing delivery per channel', () => {
  const w = useWorldWithoutWorker();
  let seq = 0;

  async function twoDeliveriesOfOneChannel(): Promise<string[]> {
    const id = `excl${++seq}-${Date.now()}`;
    const [channelId] = await w.fixtures.unreachableMastodonChannels(w.partnerId, id, 1);
    const r = await w.fixtures.release({ campaignId: w.campaignId, channelIds: [channelId], posts: 2, dueAt: new Date(Date.now() - 1000), tag: id });
    return r.deliveryIds;
  }

  it('lets only one of two racing workers claim a channel, and the other once the first is recorded', async () => {
    const [a, b] = await twoDeliveriesOfOneChannel();
    const workerA = new DeliveryRepository(w.db);
    const workerB = new DeliveryRepository(w.db);
    const [ca, cb] = await Promise.all([workerA.claim(a, 1, 'worker-a', NO_LIMITS), workerB.claim(b, 1, 'worker-b', NO_LIMITS)]);
    expect([ca, cb].filter((c) => c !== null)).toHaveLength(1);

    const [winner, winnerToken, loser, loserWorker, loserToken] = ca ? [a, 'worker-a', b, workerB, 'worker-b'] : [b, 'worker-b', a, workerA, 'worker-a'];
    // Still busy: the loser's claim matches nothing, and its load says why.
    expect(await loserWorker.claim(loser, 1, loserToken, NO_LIMITS)).toBeNull();
    expect((await loserWorker.load(loser, 60_000))?.channelBusy).toBe('live');

    const recorded = await (ca ? workerA : workerB).markPublished((ca ?? cb)!.row, winnerToken, { externalId: 'x1', url: null, publishedAt: new Date() }, 'published');
    expect(recorded).toBe(true);
    expect(await loserWorker.claim(loser, 1, loserToken, NO_LIMITS)).not.toBeNull();
  });

  it("looks each claimed delivery's channel up in the one-publishing index, rather than reading it whole", async () => {
    // Mid-release, on a table of some size (on a handful of rows any plan reads everything):
    // every channel has published once (each claim left an entry behind in the index), and the
    // statistics were taken in the middle of it.
    const id = `probe${++seq}-${Date.now()}`;
    const channels = await w.fixtures.unreachableMastodonChannels(w.partnerId, id, 50);
    const r = await w.fixtures.release({ campaignId: w.campaignId, channelIds: channels, posts: 20, dueAt: new Date(Date.now() - 1000), tag: id });
    const post = (p: number) => r.deliveryIds.slice(p * 50, (p + 1) * 50);
    const t = new DeliveryRepository(w.db);
    const claimed = await Promise.all(post(0).map((d) => t.claim(d, 1, `tok-${d}`, NO_LIMITS)));
    await Promise.all(claimed.map((c) => t.markPublished(c!.row, `tok-${c!.row.id}`, { externalId: c!.row.id, url: null, publishedAt: new Date() }, 'published')));
    await w.db.query(`ANALYZE deliveries`);

    await Promise.all(post(1).slice(0, 5).map((d) => t.claim(d, 1, `tok-${d}`, NO_LIMITS)));
    const { nodes } = await claimPlan(NO_LIMITS, post(2)[0]);
    const probes = nodes.filter((n) => n['Index Name'] === 'deliveries_one_publishing_per_channel');
    expect(probes).toHaveLength(1);
    // A lookup keyed by the claimed row's channel: written as a plain NOT EXISTS, Postgres read
    // the whole index for every row and matched the channel afterwards (no Index Cond).
    expect(probes[0]['Index Cond']).toMatch(/channel_id = d\.channel_id/);
  });

  it('refuses, in Postgres itself, a second delivery of a channel in publishing', async () => {
    const [a, b] = await twoDeliveriesOfOneChannel();
    await w.db.query(`UPDATE deliveries SET status = 'publishing', claimed_at = now(), claimed_by = 'x' WHERE id = $1`, [a]);
    await expect(w.db.query(`UPDATE deliveries SET status = 'publishing', claimed_at = now(), claimed_by = 'y' WHERE id = $1`, [b])).rejects.toMatchObject({
      code: '23505',
    });
    // Left as found by no worker: the reconciler's lookup would resolve it; here we only tidy up.
    await w.db.query(`UPDATE deliveries SET status = 'failed' WHERE id = $1`, [a]);
  });
});

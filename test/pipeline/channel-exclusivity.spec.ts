import { DeliveryTransitions, PostingLimitTable } from '../../src/queue/delivery-transitions';
import { usePrivateRedisPrefix, useWorldWithoutWorker } from '../support/pipeline-fixtures';

usePrivateRedisPrefix();

const NO_LIMITS: PostingLimitTable = { networks: [], posts: [], windowMs: [] };

/**
 * One publication at a time per channel across processes is Postgres' rule (the claim skips a
 * busy channel; a unique index settles races), not a Redis lock: two "workers" (two
 * DeliveryTransitions, each with its own claim batching) race for two deliveries of one channel.
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
    const workerA = new DeliveryTransitions(w.db);
    const workerB = new DeliveryTransitions(w.db);
    const [ca, cb] = await Promise.all([workerA.claim(a, 1, 'worker-a', NO_LIMITS), workerB.claim(b, 1, 'worker-b', NO_LIMITS)]);
    expect([ca, cb].filter((c) => c !== null)).toHaveLength(1);

    const [winner, winnerToken, loser, loserWorker, loserToken] = ca ? [a, 'worker-a', b, workerB, 'worker-b'] : [b, 'worker-b', a, workerA, 'worker-a'];
    // Still busy: the loser's claim matches nothing, and its load says why.
    expect(await loserWorker.claim(loser, 1, loserToken, NO_LIMITS)).toBeNull();
    expect((await loserWorker.load(loser, 60_000))?.channelBusy).toBe('live');

    const recorded = await (ca ? workerA : workerB).markPublished(winner, winnerToken, { externalId: 'x1', url: null, publishedAt: new Date() }, 'published');
    expect(recorded).toBe(true);
    expect(await loserWorker.claim(loser, 1, loserToken, NO_LIMITS)).not.toBeNull();
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

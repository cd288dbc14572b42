import { DeliveryRepository, PostingLimitTable } from '../../src/campaigns/deliveries/delivery.repository';
import { claimPlan } from '../support/claim-plan';
import { usePrivateRedisPrefix, useWorldWithoutWorker } from '../support/pipeline-fixtures';

usePrivateRedisPrefix();

const HOUR = 3_600_000;
/** Three posts per hour on mastodon, for these tests. */
const LIMITS: PostingLimitTable = { networks: ['mastodon'], posts: [3], windowMs: [HOUR] };

/**
 * The posting window the publish claim checks (DeliveryRepository.claim): a channel that
 * published its limit within the window is not claimed until the oldest of those leaves it; and
 * the check reads only the channel's recent publications, however many the database holds.
 */
describe('posting window of the publish claim', () => {
  const w = useWorldWithoutWorker();
  let seq = 0;

  async function mastodonChannels(n: number): Promise<string[]> {
    return w.fixtures.unreachableMastodonChannels(w.partnerId, `win${++seq}-${Date.now()}`, n);
  }

  async function publish(t: DeliveryRepository, deliveryId: string, at: Date): Promise<void> {
    const claimed = await t.claim(deliveryId, 1, `tok-${deliveryId}`, LIMITS);
    expect(claimed).not.toBeNull();
    expect(await t.markPublished(claimed!.row, `tok-${deliveryId}`, { externalId: deliveryId, url: null, publishedAt: at }, 'published')).toBe(true);
  }

  it('refuses a claim while the window is full, says when it frees, and claims once it has', async () => {
    const [channel, other] = await mastodonChannels(2);
    const mine = await w.fixtures.release({ campaignId: w.campaignId, channelIds: [channel], posts: 4, dueAt: new Date(Date.now() - 1000), tag: `w${seq}` });
    const theirs = await w.fixtures.release({ campaignId: w.campaignId, channelIds: [other], posts: 1, dueAt: new Date(Date.now() - 1000), tag: `o${seq}` });
    const t = new DeliveryRepository(w.db);
    const oldest = new Date(Date.now() - 50 * 60_000);
    await publish(t, mine.deliveryIds[0], oldest);
    await publish(t, mine.deliveryIds[1], new Date(Date.now() - 20 * 60_000));
    await publish(t, mine.deliveryIds[2], new Date());

    // Full: three within the hour.
    expect(await t.claim(mine.deliveryIds[3], 1, 'tok-4', LIMITS)).toBeNull();
    const frees = await t.windowFreesAt(channel, [{ posts: 3, windowMs: HOUR }]);
    expect(frees?.getTime()).toBe(oldest.getTime() + HOUR);
    // Another channel's window is its own.
    expect(await t.claim(theirs.deliveryIds[0], 1, 'tok-other', LIMITS)).not.toBeNull();

    // The oldest publication leaves the window: there is room again.
    await w.db.query(`UPDATE deliveries SET published_at = now() - interval '61 minutes' WHERE id = $1`, [mine.deliveryIds[0]]);
    expect(await t.windowFreesAt(channel, [{ posts: 3, windowMs: HOUR }])).toBeNull();
    expect(await t.claim(mine.deliveryIds[3], 1, 'tok-4', LIMITS)).not.toBeNull();
  });

  it("reads only the channel's own publications, even with statistics taken before anything was published", async () => {
    // The state of a new deployment on its first release: the table was analysed while nothing was
    // published, then many deliveries were. With a status condition in the window query, Postgres
    // chose the indicators' index (keyed by post) and read every published delivery on each claim.
    const channels = await mastodonChannels(50);
    const r = await w.fixtures.release({ campaignId: w.campaignId, channelIds: channels, posts: 10, dueAt: new Date(Date.now() - 1000), tag: `s${seq}` });
    await w.db.query(`ALTER TABLE deliveries SET (autovacuum_enabled = false)`);
    await w.db.query(`ANALYZE deliveries`);
    const published = r.deliveryIds.slice(50, 350);
    await w.db.query(`UPDATE deliveries SET status = 'published', published_at = now() - interval '10 minutes' WHERE id = ANY($1::uuid[])`, [published]);

    try {
      const { text } = await claimPlan(LIMITS, r.deliveryIds[350]);
      expect(text).toContain('deliveries_channel_window_idx');
      expect(text).not.toContain('deliveries_published_idx');
    } finally {
      await w.db.query(`ALTER TABLE deliveries RESET (autovacuum_enabled)`);
    }
  });
});

import { Client } from 'pg';
import { MastodonEmulator } from '../emulators/mastodon.emulator';
import { aCampaign, mastodonOn } from '../support/builders';
import { usePrivateRedisPrefix } from '../support/pipeline-fixtures';
import { acceptedCounts, Pipeline, startPipeline, waitForAll, waitForStatus } from './pipeline-harness';

usePrivateRedisPrefix();

/**
 * Each job runs its own statements on any pooled connection: a delivery whose row another
 * session holds locked (a transaction left open in the middle of an update) waits alone.
 */
describe('a row lock on one delivery', () => {
  let p: Pipeline;
  let emulator: MastodonEmulator;

  beforeAll(async () => {
    emulator = await new MastodonEmulator({ accounts: [] }).start();
    p = await startPipeline();
  });

  afterAll(async () => {
    await p?.close();
    await emulator?.close();
  });

  it('delays no other channel, and the locked delivery goes out once the lock is released', async () => {
    const campaign = await aCampaign().withPartners(3).withChannels(4, mastodonOn(emulator, 'lock')).build(p.fixtures);
    const r = await campaign.release({ posts: 2, dueAt: new Date(Date.now() + 1500), tag: `lock-${Date.now()}` });
    await p.scheduler.enqueue(r.deliveryIds);
    const [locked, ...others] = r.deliveryIds;

    const locker = new Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM deliveries WHERE id = $1 FOR UPDATE', [locked]);
      // Every other delivery, the locked one's channel's next post included, goes out meanwhile.
      await waitForAll(p, others, 'published');
      expect((await p.fixtures.delivery(locked)).status).toBe('approved');
      expect(acceptedCounts(emulator, [r.texts.get(locked)!]).get(r.texts.get(locked)!)).toBe(0);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    await waitForStatus(p, locked, 'published');
    expect([...acceptedCounts(emulator, r.texts.values()).values()].every((n) => n === 1)).toBe(true);
  });
});

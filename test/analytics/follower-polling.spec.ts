import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SnapshotScheduler } from '../../src/analytics/snapshots/snapshot-scheduler.service';
import { PollTicker } from '../../src/analytics/snapshots/poll-ticker.service';
import { SnapshotRetention } from '../../src/analytics/snapshots/snapshot-retention.service';
import { MastodonEmulator } from '../emulators/mastodon.emulator';
import { createPartnerWithChannels, insertSnapshots, series } from '../support/analytics-fixtures';
import { deleteQueueKeys, startWorker, usePrivateRedisPrefix, waitFor } from '../support/pipeline-fixtures';
import { uniqueSlug } from '../support/builders';
import { createTestApp, TestApp } from '../support/test-app';

describe('follower polling in the worker', () => {
  const { prefix } = usePrivateRedisPrefix({ ANALYTICS_POLL_TICK_MS: '3600000' });
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

  async function mastodonChannel(followers: number): Promise<{ partnerId: string; channelId: string; accountId: string }> {
    const manager = await t.as('manager');
    const partner = await manager.post('/api/partners').send({ slug: uniqueSlug('poll'), name: 'Poll' }).expect(201);
    const accountId = String(Math.floor(Math.random() * 1e9));
    const token = uniqueSlug('tok');
    emulator.addAccount({ id: accountId, username: `u${accountId}`, token, followers });
    const ch = await manager
      .post(`/api/partners/${partner.body.id}/channels`)
      .send({ network: 'mastodon', handle: `@u${accountId}`, externalId: accountId, instanceUrl: emulator.url, credentials: { accessToken: token } })
      .expect(201);
    return { partnerId: partner.body.id, channelId: ch.body.id, accountId };
  }

  const snapshots = (channelId: string) =>
    db.query(`SELECT outcome, followers, source, error_kind FROM follower_snapshots WHERE channel_id = $1 ORDER BY taken_at`, [channelId]);
  /** Adding a channel asks for its first snapshot; tests that look at later polls wait for that one first. */
  const firstSnapshot = (channelId: string) =>
    waitFor(async () => (await snapshots(channelId)).some((r: { source: string }) => r.source === 'channel_added'), { what: 'the first snapshot' });

  it('records the follower count read through the adapter as soon as a channel is added', async () => {
    const { channelId } = await mastodonChannel(1234);
    const rows = await waitFor(async () => ((await snapshots(channelId)).length ? snapshots(channelId) : null), { what: 'a snapshot' });
    expect(rows).toEqual([{ outcome: 'count', followers: 1234, source: 'channel_added', error_kind: null }]);
    const [daily] = await db.query(`SELECT followers FROM follower_daily_points WHERE channel_id = $1`, [channelId]);
    expect(daily.followers).toBe(1234);
  });

  it('records a rate-limited poll as a failure, never a number, and retries after the reset', async () => {
    const { channelId } = await mastodonChannel(50);
    await firstSnapshot(channelId);
    emulator.inject({ kind: 'rate_limit', resetInSeconds: 900 }, '/api/v1/accounts/verify_credentials');
    await t.app.get(SnapshotScheduler).requestSnapshot(channelId, 'manual');
    const manual = async () => (await snapshots(channelId)).filter((r: { source: string }) => r.source === 'manual');
    const rows = await waitFor(async () => ((await manual()).length ? manual() : null), { what: 'a failed poll' });
    expect(rows).toEqual([{ outcome: 'failed', followers: null, source: 'manual', error_kind: 'rate_limited' }]);
    const [schedule] = await db.query(`SELECT next_poll_at, last_outcome, consecutive_failures FROM follower_poll_schedule WHERE channel_id = $1`, [channelId]);
    expect(schedule).toMatchObject({ last_outcome: 'failed', consecutive_failures: 1 });
    expect(new Date(schedule.next_poll_at).getTime()).toBeGreaterThan(Date.now() + 800_000);
  });

  it('polls due channels on the schedule and snapshots a campaign at its start', async () => {
    const { partnerId, channelId } = await mastodonChannel(77);
    const manager = await t.as('manager');
    // One clock reading for all four times: two readings a millisecond apart made the baseline end
    // after the start, which the API rightly refuses (a CI run got that 400).
    const now = Date.now();
    const startsAt = new Date(now - 60_000).toISOString();
    await manager
      .post('/api/campaigns')
      .send({
        slug: uniqueSlug('poll'), name: 'Starts now', timeZone: 'Europe/Paris',
        startsAt, endsAt: new Date(now + 30 * 86_400_000).toISOString(),
        baselineStartsAt: new Date(now - 30 * 86_400_000).toISOString(), baselineEndsAt: startsAt,
        partnerIds: [partnerId],
      })
      .expect(201);
    const result = await worker.get(PollTicker).tick();
    expect(result.boundaries).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await snapshots(channelId)).some((r: { source: string }) => r.source === 'campaign_start'), { what: 'the start snapshot', timeoutMs: 15_000 });
    // The start snapshot is tied to the campaign's start instant, so the indicators use it for that edge.
    const [edge] = await db.query(`SELECT edge_at, taken_at FROM follower_snapshots WHERE channel_id = $1 AND source = 'campaign_start'`, [channelId]);
    expect(edge.edge_at.toISOString()).toBe(startsAt);
    expect(edge.taken_at.getTime()).toBeGreaterThanOrEqual(Date.parse(startsAt));
    // Every active channel got a first poll time within one interval (spread, not all now).
    const [s] = await db.query(`SELECT next_poll_at FROM follower_poll_schedule WHERE channel_id = $1`, [channelId]);
    expect(new Date(s.next_poll_at).getTime()).toBeLessThanOrEqual(Date.now() + 7 * 3_600_000);

    await db.query(`UPDATE follower_poll_schedule SET next_poll_at = now() - interval '1 second' WHERE channel_id = $1`, [channelId]);
    expect((await worker.get(PollTicker).tick(0)).due).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await snapshots(channelId)).some((r: { source: string }) => r.source === 'schedule'), { what: 'a scheduled poll', timeoutMs: 15_000 });
  });

  it('thins old snapshots to the last point of each Paris day and keeps recent ones', async () => {
    const { channelId } = await createPartnerWithChannels(await t.as('manager'), 'ret', ['sandbox']).then((p) => ({ channelId: p.channelIds[0] }));
    await firstSnapshot(channelId);
    const old = series('2024-01-10T00:00:00Z', '2024-01-12T23:00:00Z', 1, (d) => d.getUTCHours());
    const recent = series(new Date(Date.now() - 2 * 86_400_000).toISOString(), new Date(Date.now() - 86_400_000).toISOString(), 1, () => 5);
    await insertSnapshots(t, channelId, [...old, ...recent]);
    await worker.get(SnapshotRetention).run(1000);
    const kept: Array<{ taken_at: Date }> = await db.query(`SELECT taken_at FROM follower_snapshots WHERE channel_id = $1 AND taken_at < '2025-01-01' ORDER BY taken_at`, [channelId]);
    // Paris days 10, 11, 12 and 13 January (00:00 UTC on the 10th is 01:00 in Paris; 23:00 UTC on the 12th is the 13th).
    expect(kept.map((r) => r.taken_at.toISOString())).toEqual([
      '2024-01-10T22:00:00.000Z', '2024-01-11T22:00:00.000Z', '2024-01-12T22:00:00.000Z', '2024-01-12T23:00:00.000Z',
    ]);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM follower_snapshots WHERE channel_id = $1 AND taken_at > now() - interval '3 days'`, [channelId]);
    expect(n).toBe(recent.length + 1); // + the first snapshot taken when the channel was added
  });
});

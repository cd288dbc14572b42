import { Client, Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DeliveryTransitions, LANE_LOCK_TIMEOUT_MS, PostingLimitTable } from '../../src/queue/delivery-transitions';
import { usePrivateRedisPrefix, useWorldWithoutWorker, waitFor } from '../support/pipeline-fixtures';
import { statementsSentBy } from '../support/sent-statements';

usePrivateRedisPrefix();

const LIMITS: PostingLimitTable = { networks: ['mastodon'], posts: [300], windowMs: [3 * 3_600_000] };
const POST = { url: null, publishedAt: new Date() };

/**
 * The worker's claims and records share one lane to Postgres (StatementLane): when both wait,
 * one statement records the finished publications and claims the next deliveries. Each must land
 * exactly as if it had gone alone.
 */
describe('claims and records in one statement', () => {
  const w = useWorldWithoutWorker();
  let seq = 0;

  async function oneDeliveryOnEach(channels: number): Promise<string[]> {
    const id = `lane${++seq}-${Date.now()}`;
    const channelIds = await w.fixtures.unreachableMastodonChannels(w.partnerId, id, channels);
    const r = await w.fixtures.release({ campaignId: w.campaignId, channelIds, posts: 1, dueAt: new Date(Date.now() - 1000), tag: id });
    return r.deliveryIds;
  }

  /** Runs `fn`: its result, and the names of the lane's statements it sent (see statementsSentBy). */
  async function laneStatementsSentBy<T>(fn: () => Promise<T>): Promise<{ result: T; sent: string[] }> {
    const { result, sent } = await statementsSentBy(fn);
    return { result, sent: sent.map((q) => q.name!) };
  }

  /** Runs `fn` while another session holds `deliveryId`'s row lock in an open transaction, rolled back after. */
  async function withRowLocked<T>(deliveryId: string, fn: () => Promise<T>): Promise<T> {
    const locker = new Client({ connectionString: process.env.DATABASE_URL });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM deliveries WHERE id = $1 FOR UPDATE', [deliveryId]);
      return await fn();
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  }

  async function statusOf(id: string): Promise<{ status: string; claimed_by: string | null; external_id: string | null }> {
    const [row] = await w.db.query(`SELECT status, claimed_by, external_id FROM deliveries WHERE id = $1`, [id]);
    return row;
  }

  it('records a publication and claims other channels in one statement', async () => {
    const [done, next, meanwhile] = await oneDeliveryOnEach(3);
    const t = new DeliveryTransitions(w.db);
    expect(await t.claim(done, 1, 'tok-done', LIMITS)).not.toBeNull();

    // The first claim finds the lane free and goes alone; the record and the other claim arrive
    // while it runs, so they go together in the next statement.
    const { result, sent } = await laneStatementsSentBy(() =>
      Promise.all([
        t.claim(meanwhile, 1, 'tok-meanwhile', LIMITS),
        t.markPublished(done, 'tok-done', { ...POST, externalId: 'ext-done' }, 'published'),
        t.claim(next, 1, 'tok-next', LIMITS),
      ]),
    );
    expect(sent).toEqual(['chorus_publish_claim', 'chorus_publish_record_and_claim']);

    const [meanwhileClaim, recorded, nextClaim] = result;
    expect(meanwhileClaim?.row.id).toBe(meanwhile);
    expect(recorded).toBe(true);
    expect(nextClaim?.row).toMatchObject({ id: next, status: 'publishing' });
    expect(await statusOf(done)).toMatchObject({ status: 'published', external_id: 'ext-done' });
    expect(await statusOf(next)).toMatchObject({ status: 'publishing', claimed_by: 'tok-next' });
    const audit = await w.db.query(`SELECT action, after->>'externalId' AS external_id FROM audit_events WHERE entity_id = $1`, [done]);
    expect(audit).toEqual([{ action: 'delivery.published', external_id: 'ext-done' }]);
  });

  it('answers false for a record whose claim was taken over, and null for a claim that matches nothing, in the same statement', async () => {
    const [done, taken] = await oneDeliveryOnEach(2);
    const t = new DeliveryTransitions(w.db);
    expect(await t.claim(done, 1, 'tok-done', LIMITS)).not.toBeNull();
    // Another worker took this claim over after our lease expired.
    await w.db.query(`UPDATE deliveries SET claimed_by = 'someone-else' WHERE id = $1`, [done]);
    // Already publishing elsewhere: our claim must match nothing.
    await w.db.query(`UPDATE deliveries SET status = 'publishing', claimed_by = 'other-worker', claimed_at = now() WHERE id = $1`, [taken]);

    const [busy] = await oneDeliveryOnEach(1);
    const { result, sent } = await laneStatementsSentBy(() =>
      Promise.all([
        t.claim(busy, 1, 'tok-busy', LIMITS),
        t.markPublished(done, 'tok-done', { ...POST, externalId: 'ext-x' }, 'published'),
        t.claim(taken, 1, 'tok-taken', LIMITS),
      ]),
    );
    expect(sent).toEqual(['chorus_publish_claim', 'chorus_publish_record_and_claim']);
    expect(result[1]).toBe(false);
    expect(result[2]).toBeNull();
    expect(await statusOf(done)).toMatchObject({ status: 'publishing', claimed_by: 'someone-else' });
    expect(await statusOf(taken)).toMatchObject({ status: 'publishing', claimed_by: 'other-worker' });
    expect(await w.db.query(`SELECT 1 FROM audit_events WHERE entity_id = $1`, [done])).toEqual([]);
  });

  it('when the combined statement fails, retries each input alone: the record lands, only the bad claim fails', async () => {
    const [done, busy] = await oneDeliveryOnEach(2);
    const t = new DeliveryTransitions(w.db);
    expect(await t.claim(done, 1, 'tok-done', LIMITS)).not.toBeNull();

    const { result, sent } = await laneStatementsSentBy(() => {
      const busyClaim = t.claim(busy, 1, 'tok-busy', LIMITS);
      const record = t.markPublished(done, 'tok-done', { ...POST, externalId: 'ext-done' }, 'published');
      // Not a uuid: Postgres refuses the whole statement it is part of.
      const bad = t.claim('not-a-uuid', 1, 'tok-bad', LIMITS).then(
        () => null,
        (err: unknown) => err,
      );
      return Promise.all([busyClaim, record, bad]);
    });
    // The combined statement failed, then each of its inputs went alone.
    expect(sent).toEqual(['chorus_publish_claim', 'chorus_publish_record_and_claim', 'chorus_publish_claim', 'chorus_publish_mark_published']);
    const [busyClaim, record, bad] = result;
    expect(bad).toMatchObject({ code: '22P02' });
    expect(record).toBe(true);
    expect(busyClaim).not.toBeNull();
    expect(await statusOf(done)).toMatchObject({ status: 'published', external_id: 'ext-done' });
  });

  it('replaces its connection when the server ends it in the middle of a statement, for the statements waiting and the next ones', async () => {
    const [delivery, other] = await oneDeliveryOnEach(2);
    const t = new DeliveryTransitions(w.db);
    // Holds the row, so the claim's statement waits and its backend can be found and ended.
    await withRowLocked(delivery, async () => {
      const claim = t.claim(delivery, 1, 'tok-cut', LIMITS);
      const claimFails = expect(claim).rejects.toBeDefined();
      // Waits in the lane behind the blocked statement: it must run on a new connection.
      const next = t.claim(other, 1, 'tok-other', LIMITS);
      const waiting: Array<{ pid: number }> = await waitFor(
        async () => {
          const rows: Array<{ pid: number }> = await w.db.query(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE deliveries d%'`,
          );
          return rows.length ? rows : null;
        },
        { intervalMs: 20, what: 'the claim waiting for the row lock' },
      );
      expect(waiting).toHaveLength(1);
      await w.db.query('SELECT pg_terminate_backend($1)', [waiting[0].pid]);
      await claimFails;
      expect((await next)?.row.id).toBe(other);
    });
    // The next statement runs on another connection, and the delivery was never claimed.
    expect(await statusOf(delivery)).toMatchObject({ status: 'approved', claimed_by: null });
    const retried = await t.claim(delivery, 1, 'tok-again', LIMITS);
    expect(retried?.row.id).toBe(delivery);
    expect(await statusOf(delivery)).toMatchObject({ status: 'publishing', claimed_by: 'tok-again' });
  });

  it('gives up on a row lock after its timeout, lets the claims behind it through, and gives its connection back unlimited', async () => {
    const [locked, other] = await oneDeliveryOnEach(2);
    const t = new DeliveryTransitions(w.db);
    // A transaction left open on the row (a session stopped in the middle of an update).
    await withRowLocked(locked, async () => {
      // The lane is free: this claim goes alone, and the next one waits behind it.
      const stuck = t.claim(locked, 1, 'tok-locked', LIMITS).then(
        () => null,
        (err: unknown) => err,
      );
      const next = t.claim(other, 1, 'tok-other', LIMITS);
      expect(await stuck).toMatchObject({ code: '55P03' });
      expect((await next)?.row.id).toBe(other);
    });
    expect(await statusOf(locked)).toMatchObject({ status: 'approved', claimed_by: null });

    // Back in the pool, no connection keeps the lane's setting: every one answers the server's default.
    const pool = (w.db.driver as PostgresDriver).master as Pool;
    await waitFor(async () => pool.idleCount === pool.totalCount || null, { what: 'the lane giving its connection back' });
    const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
    try {
      const settings = await Promise.all(clients.map(async (c) => (await c.query('SHOW lock_timeout')).rows[0].lock_timeout as string));
      expect(settings).not.toContain(`${LANE_LOCK_TIMEOUT_MS / 1000}s`);
      expect(new Set(settings)).toEqual(new Set(['0']));
    } finally {
      clients.forEach((c) => c.release());
    }
  });
});

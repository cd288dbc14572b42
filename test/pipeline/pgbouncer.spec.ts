import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { MastodonEmulator } from '../emulators/mastodon.emulator';
import { aCampaign, mastodonOn } from '../support/builders';
import { DataSource } from 'typeorm';
import { PublishScheduler } from '../../src/queue/publish-scheduler.service';
import { PipelineFixtures, startWorker, usePrivateRedisPrefix, waitFor } from '../support/pipeline-fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { acceptedCounts } from './pipeline-harness';

usePrivateRedisPrefix();

/**
 * Chorus behind PgBouncer in transaction pooling mode: consecutive statements of one process may
 * run on different server connections, so nothing may rely on session state (no named prepared
 * statements, no SET). The API and two workers all go through a private PgBouncer
 * (scripts/services.sh pgbouncer) and race on one release.
 */
describe('two workers behind PgBouncer in transaction mode', () => {
  let bouncerUrl: URL;
  let api: TestApp;
  const workers: INestApplicationContext[] = [];
  let emulator: MastodonEmulator;

  beforeAll(async () => {
    const direct = new URL(process.env.DATABASE_URL!);
    const script = path.resolve(__dirname, '..', '..', 'scripts', 'services.sh');
    const base = execFileSync('bash', [script, 'pgbouncer', direct.hostname, direct.port || '5432'], { encoding: 'utf8' }).trim().split('\n').pop()!;
    bouncerUrl = new URL(base);
    bouncerUrl.pathname = direct.pathname;
    process.env.DATABASE_URL = bouncerUrl.toString();
    emulator = await new MastodonEmulator({ accounts: [] }).start();
    api = await createTestApp();
  }, 300_000);

  afterAll(async () => {
    for (const w of workers.splice(0)) await w.close();
    await api?.close();
    await emulator?.close();
  });

  /** Transactions PgBouncer carried to the file's database (its admin console's SHOW STATS). */
  async function transactionsThroughBouncer(): Promise<number> {
    const admin = new Client({ host: bouncerUrl.hostname, port: Number(bouncerUrl.port), user: 'postgres', database: 'pgbouncer' });
    await admin.connect();
    try {
      // Without parameters, pg sends the simple query protocol, the only one the admin console speaks.
      const { rows } = await admin.query('SHOW STATS');
      const db = bouncerUrl.pathname.slice(1);
      const row = (rows as Array<{ database: string; total_xact_count: string }>).find((r) => r.database === db);
      return Number(row?.total_xact_count ?? 0);
    } finally {
      await admin.end();
    }
  }

  it('publishes each delivery of a release exactly once', async () => {
    const db = api.app.get(DataSource);
    const fixtures = new PipelineFixtures(db);
    const tag = `bouncer-${Date.now()}`;
    const campaign = await aCampaign().withPartners(4).withChannels(10, mastodonOn(emulator, tag)).build(fixtures);
    const r = await campaign.release({ posts: 5, dueAt: new Date(Date.now() + 1000), tag });
    const before = await transactionsThroughBouncer();

    workers.push(await startWorker(), await startWorker());
    const scheduler = api.app.get(PublishScheduler);
    // Both the scheduler and a second enqueue (as a reconciler would) add the same jobs.
    await scheduler.enqueue(r.deliveryIds);
    await scheduler.enqueue(r.deliveryIds);
    await waitFor(async () => ((await fixtures.statuses(r.deliveryIds)).published ?? 0) === 200, { timeoutMs: 90_000, what: 'all 200 published' });

    const counts = acceptedCounts(emulator, r.texts.values());
    expect([...counts].filter(([, n]) => n !== 1)).toEqual([]);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'delivery.published' AND entity_id = ANY($1)`, [r.deliveryIds]);
    expect(n).toBe(200);
    // Every claim and record (at least) went through PgBouncer.
    expect((await transactionsThroughBouncer()) - before).toBeGreaterThanOrEqual(400);
  }, 180_000);
});
